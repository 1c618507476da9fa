// Tests core/plugins: a good plugin's parts land in the registries stamped with its file; a
// library without the entry point, one built for another API version, a file that is not a
// library and a plugin that throws while registering are each skipped with a message naming the
// problem, and leave every registry exactly as it was.
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "federated/partition.h"
#include "models/model_factory.h"
#include "plugins/plugin_api.h"
#include "plugins/plugin_loader.h"

using namespace trustlab;

namespace {
std::string fixture(const char* name) { return std::string(TRUSTLAB_TEST_PLUGIN_DIR) + "/" + name + ".so"; }
std::string examplePlugin(const char* name) { return std::string(TRUSTLAB_PLUGIN_BUILD_DIR) + "/" + name + ".so"; }

std::string originOf(const std::vector<RegistryItem>& items, const std::string& name) {
  for (const auto& item : items)
    if (item.name == name) return item.origin;
  return "(absent)";
}
}  // namespace

class TestPluginLoader : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void goodPluginAddsStampedParts() {
    const auto file = examplePlugin("trustlab_partition_shards");
    const auto p = loadPlugin(file);
    QVERIFY2(p.ok(), p.error.c_str());
    QCOMPARE(p.name, std::string("Shards partition"));
    QCOMPARE(p.added, std::vector<std::string>{"partition 'shards'"});
    QCOMPARE(originOf(partitionerRegistry().items(), "shards"), file);
    QCOMPARE(originOf(partitionerRegistry().items(), "dirichlet"), std::string());  // built-ins stay built in
  }
  void missingEntryPointIsSkipped() {
    const auto p = loadPlugin(fixture("no_entry"));
    QVERIFY(!p.ok());
    QVERIFY2(p.error.find("trustlab_plugin_entry") != std::string::npos, p.error.c_str());
    QCOMPARE(p.file, fixture("no_entry"));
  }
  void wrongVersionIsRefusedUncalled() {
    const auto p = loadPlugin(fixture("wrong_version"));
    QVERIFY(!p.ok());
    QVERIFY2(p.error.find("plugin API " + std::to_string(TRUSTLAB_PLUGIN_API_VERSION + 98)) != std::string::npos,
             p.error.c_str());
    QVERIFY(p.added.empty());
  }
  void notALibraryIsSkipped() {
    const auto path = std::filesystem::temp_directory_path() / "trustlab_not_a_plugin.so";
    std::ofstream(path) << "#!/bin/sh\necho this is no ELF file\n";
    const auto p = loadPlugin(path.string());
    QVERIFY(!p.ok());
    QVERIFY2(p.error.find("cannot be loaded") != std::string::npos, p.error.c_str());
    std::filesystem::remove(path);
  }
  void throwingPluginIsRolledBack() {
    const auto before = modelRegistry().items();
    const auto p = loadPlugin(fixture("throws"));
    QVERIFY(!p.ok());
    QVERIFY2(p.error.find("configuration file is missing") != std::string::npos, p.error.c_str());
    QVERIFY(p.added.empty());
    const auto after = modelRegistry().items();
    QCOMPARE(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i) {
      QCOMPARE(after[i].name, before[i].name);
      QCOMPARE(after[i].description, before[i].description);
      QCOMPARE(after[i].origin, before[i].origin);
    }
    QVERIFY(!modelRegistry().contains("half-registered"));
  }
  void searchPathStartsWithTheEnvironment() {
    qputenv("TRUSTLAB_PLUGIN_PATH", "/opt/a:/opt/b");
    const auto path = pluginSearchPath();
    qunsetenv("TRUSTLAB_PLUGIN_PATH");
    QVERIFY(path.size() >= 3);
    QCOMPARE(path[0], std::string("/opt/a"));
    QCOMPARE(path[1], std::string("/opt/b"));
    QCOMPARE(path[2], std::string(TRUSTLAB_PLUGIN_BUILD_DIR));  // <exe>/../plugins in the build tree
  }
};

QTEST_GUILESS_MAIN(TestPluginLoader)
#include "tst_plugin_loader.moc"
