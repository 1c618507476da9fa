// trustlab-cli plugins: what the plugin search path holds, what each plugin added to which
// registry, and why any was skipped.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "cli_commands.h"
#include "plugins/plugin_loader.h"
#include "util/errors.h"

namespace trustlab::cli {

int pluginsCommand(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != "list") throw InputError("plugins", "expects the subcommand: list");
  const Args a(std::vector<std::string>(argv.begin() + 1, argv.end()), {}, {"json"});
  const auto& plugins = loadPlugins();
  if (a.has("json")) {
    nlohmann::json out{{"search_path", pluginSearchPath()}, {"plugins", nlohmann::json::array()}};
    for (const auto& p : plugins)
      out["plugins"].push_back({{"file", p.file}, {"name", p.name}, {"description", p.description},
                                {"added", p.added}, {"loaded", p.ok()}, {"error", p.error}});
    std::cout << out.dump() << std::endl;
    return 0;
  }
  std::printf("search path (TRUSTLAB_PLUGIN_PATH, then the build's and the install's plugin folders):\n");
  for (const auto& folder : pluginSearchPath()) {
    std::error_code ec;
    std::printf("  %s%s\n", folder.c_str(), std::filesystem::is_directory(folder, ec) ? "" : "  (missing)");
  }
  if (plugins.empty()) std::printf("no plugins found\n");
  for (const auto& p : plugins) {
    if (!p.ok()) {
      std::printf("\nskipped %s\n  %s\n", p.file.c_str(), p.error.c_str());
      continue;
    }
    std::printf("\n%s — %s\n  %s\n", p.name.c_str(), p.description.c_str(), p.file.c_str());
    for (const auto& item : p.added) std::printf("  adds %s\n", item.c_str());
  }
  return 0;
}

}  // namespace trustlab::cli
