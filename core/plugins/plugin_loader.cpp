#include "plugins/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "config/registry.h"
#include "plugins/plugin_api.h"
#include "trustlab_build_info.h"
#include "util/paths.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trustlab {

std::vector<std::string> pluginSearchPath() {
  std::vector<std::string> path;
  if (const char* env = std::getenv("TRUSTLAB_PLUGIN_PATH"); env && *env)
    for (const auto& p : split(env, ':'))
      if (!p.empty()) path.push_back(p);
  if (const auto exe = executableDir(); !exe.empty()) {
    const auto prefix = fs::path(exe).parent_path();
    path.push_back((prefix / "plugins").lexically_normal());                      // a build tree
    path.push_back((prefix / TRUSTLAB_PLUGIN_INSTALL_DIR).lexically_normal());  // an install
  }
  return path;
}

LoadedPlugin loadPlugin(const std::string& file) {
  LoadedPlugin p;
  std::error_code ec;
  p.file = fs::absolute(file, ec).string();
  // RTLD_LOCAL: two plugins may use the same helper names without clashing.
  void* handle = dlopen(p.file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    p.error = std::string("cannot be loaded: ") + (why ? why : "unknown error");
    return p;
  }
  using EntryFn = const PluginEntry* (*)();
  const auto entryFn = reinterpret_cast<EntryFn>(dlsym(handle, TRUSTLAB_PLUGIN_ENTRY_SYMBOL));
  const PluginEntry* entry = entryFn ? entryFn() : nullptr;
  if (!entry) {
    p.error = "has no " TRUSTLAB_PLUGIN_ENTRY_SYMBOL " entry point (declare it with TRUSTLAB_PLUGIN)";
  } else if (entry->apiVersion != TRUSTLAB_PLUGIN_API_VERSION) {
    p.error = "was built for plugin API " + std::to_string(entry->apiVersion) + "; this TrustLab has API " +
              std::to_string(TRUSTLAB_PLUGIN_API_VERSION) + " (rebuild it against these headers)";
  } else {
    p.name = entry->name ? entry->name : fs::path(file).stem().string();
    p.description = entry->description ? entry->description : "";
    RegistrationScope scope(p.file);
    try {
      if (entry->registerParts) entry->registerParts();
      p.added = scope.added();
      return p;  // the handle stays open: the registries hold the plugin's code
    } catch (const std::exception& e) {
      p.error = std::string("failed while registering: ") + e.what();
    } catch (...) {
      p.error = "failed while registering (a non-standard exception)";
    }
    scope.rollback();
    return p;  // kept mapped: statics it constructed are destroyed at exit, from its code
  }
  dlclose(handle);
  return p;
}

const std::vector<LoadedPlugin>& loadPlugins() {
  static const std::vector<LoadedPlugin> loaded = [] {
    std::vector<LoadedPlugin> out;
    std::set<std::string> seen;  // file names: the first folder on the path wins
    for (const auto& folder : pluginSearchPath()) {
      std::error_code ec;
      if (!fs::is_directory(folder, ec)) continue;
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.is_regular_file(ec) && e.path().extension() == ".so") files.push_back(e.path());
      std::sort(files.begin(), files.end());  // a reproducible order: later plugins override earlier
      for (const auto& f : files)
        if (seen.insert(f.filename().string()).second) out.push_back(loadPlugin(f.string()));
    }
    return out;
  }();
  return loaded;
}

void loadPluginsWarningOnStderr(const char* program) {
  for (const auto& p : loadPlugins())
    if (!p.ok()) std::fprintf(stderr, "%s: plugin %s skipped: %s\n", program, p.file.c_str(), p.error.c_str());
}

}  // namespace trustlab
