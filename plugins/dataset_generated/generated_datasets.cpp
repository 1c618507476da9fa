// Plugin: sizes of the generated default corpus beyond the built-in one: "default-small" for
// quick experiments and tests, "default-large" for federated scale (a dataset plugin).
#include "data/dataset_registry.h"
#include "data/default_corpus.h"
#include "plugins/plugin_api.h"

namespace {

void addVariant(const char* name, const char* description, size_t utterances, size_t users) {
  trustlab::DefaultCorpusOptions o;
  o.utterances = utterances;
  o.users = users;
  trustlab::datasetRegistry().add({name, description}, {"", "", [o, name] {
                                                          auto d = trustlab::generateDefaultCorpus(o);
                                                          d.name = name;
                                                          return d;
                                                        }});
}

void registerParts() {
  addVariant("default-small", "generated default corpus, 2,000 utterances / 300 users", 2000, 300);
  addVariant("default-large", "generated default corpus, 40,000 utterances / 5,000 users", 40000, 5000);
}

}  // namespace

TRUSTLAB_PLUGIN("Generated corpus variants", "smaller and larger sizes of the generated default corpus", registerParts)
