// core/plugins: what a plugin is. A plugin is a shared library that links libtrustlab_core and
// exports one C function, trustlab_plugin_entry, returning a PluginEntry: the API version it was
// built for, its name and description, and the function that adds its parts to the registries
// (models, datasets and formats, tokenizers, accountants, clipping modes, partitioners, client
// selection, aggregation, server optimizers, membership attacks, fairness metrics). Registration
// is plain C++: call the registry's add() (see plugins/README.md). No Qt is needed, so the CLI,
// the GUI and the worker ranks of a federated run all load the same plugins.
#pragma once

/// Bumped whenever a registry's entry type or PluginEntry changes; a plugin built for another
/// version is refused with a message naming its file.
#define TRUSTLAB_PLUGIN_API_VERSION 1

namespace trustlab {

struct PluginEntry {
  int apiVersion;           ///< TRUSTLAB_PLUGIN_API_VERSION when the plugin was built
  const char* name;         ///< shown by `trustlab-cli plugins list` and the GUI
  const char* description;  ///< one line
  void (*registerParts)();  ///< adds to the registries; may throw (the plugin is then skipped)
};

}  // namespace trustlab

/// The entry point's symbol name, looked up with dlsym.
#define TRUSTLAB_PLUGIN_ENTRY_SYMBOL "trustlab_plugin_entry"

/// Declares a plugin: TRUSTLAB_PLUGIN("Shards partition", "McMahan et al. 2017 ...", registerShards)
#define TRUSTLAB_PLUGIN(NAME, DESCRIPTION, REGISTER)                                                 \
  extern "C" __attribute__((visibility("default"))) const trustlab::PluginEntry* trustlab_plugin_entry() { \
    static const trustlab::PluginEntry entry{TRUSTLAB_PLUGIN_API_VERSION, NAME, DESCRIPTION, REGISTER};   \
    return &entry;                                                                                  \
  }
