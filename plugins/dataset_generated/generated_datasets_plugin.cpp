#include "generated_datasets_plugin.h"

#include "data/default_corpus.h"

std::vector<trustlab::PluginDataset> GeneratedDatasetsPlugin::datasets() const {
  auto variant = [](const char* name, const char* description, size_t utterances, size_t users) {
    trustlab::DefaultCorpusOptions o;
    o.utterances = utterances;
    o.users = users;
    return trustlab::PluginDataset{{name, description, "", "generated"}, [o, name] {
                                     auto d = trustlab::generateDefaultCorpus(o);
                                     d.name = name;
                                     return d;
                                   }};
  };
  return {variant("default-small", "generated default corpus, 2,000 utterances / 300 users", 2000, 300),
          variant("default-large", "generated default corpus, 40,000 utterances / 5,000 users", 40000, 5000)};
}
