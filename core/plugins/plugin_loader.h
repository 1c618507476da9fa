// core/plugins: finds and loads plugins. The search path is $TRUSTLAB_PLUGIN_PATH (':'-separated),
// then the build tree's plugin folder (<exe>/../plugins) and the installed one
// (<exe>/../lib/trustlab/plugins). Every front end (CLI, GUI, bench, worker ranks) calls loadPlugins()
// once at startup, so they all see the same registries. A plugin that cannot be loaded, was built
// for another API version or throws while registering is skipped, with a message naming its file,
// and leaves the registries as they were.
#pragma once
#include <string>
#include <vector>

namespace trustlab {

struct LoadedPlugin {
  std::string file;         ///< absolute path
  std::string name, description;
  std::vector<std::string> added;  ///< "model 'dan'", … in registration order
  std::string error;        ///< why it was skipped; empty when loaded
  bool ok() const { return error.empty(); }
};

/// The folders searched, in order (existing or not).
std::vector<std::string> pluginSearchPath();

/// Loads one plugin file (used by loadPlugins and by tests).
LoadedPlugin loadPlugin(const std::string& file);

/// Loads every plugin on the search path, once per process (later calls return the same list).
/// A file name already loaded from an earlier folder is not loaded again.
const std::vector<LoadedPlugin>& loadPlugins();

/// Loads the plugins (loadPlugins) and writes "<program>: plugin <file> skipped: <why>" on stderr
/// for each one that was skipped: what every front end does at startup.
void loadPluginsWarningOnStderr(const char* program);

}  // namespace trustlab
