#include "models/model_config.h"

#include <algorithm>

#include "models/model_factory.h"

namespace trustlab {
namespace {
/// The field applies when the chosen model says it reads it.
std::function<bool(const ModelConfig&)> readBy(const char* key) {
  return [key](const ModelConfig& m) {
    const auto* e = modelRegistry().find(m.type);
    return !e || std::find(e->fields.begin(), e->fields.end(), key) != e->fields.end();
  };
}
}  // namespace

const FieldList<ModelConfig>& modelFields() {
  static const auto f = [] {
    FieldList<ModelConfig> l("model", "Model");
    using M = ModelConfig;
    l.add("type", &M::type, "Architecture", "the classifier").choices(modelRegistry()).flag("model");
    l.add("embedding_dim", &M::embeddingDim, "Embedding dim", "token vector size (the Transformer's width)")
        .atLeast(1).atMost(4096).when(readBy("embedding_dim"));
    l.add("hidden_size", &M::hiddenSize, "LSTM hidden", "LSTM units per direction").atLeast(1).atMost(4096)
        .when(readBy("hidden_size"));
    l.add("layers", &M::layers, "Layers", "LSTM or encoder layers").atLeast(0).atMost(24)
        .note("0 = the model's default").when(readBy("layers"));
    l.add("heads", &M::heads, "Heads", "attention heads (divide embedding_dim)").atLeast(1).atMost(64)
        .when(readBy("heads"));
    l.add("ffn_dim", &M::ffnDim, "FFN dim", "feed-forward width of each encoder layer").atLeast(1).atMost(65536)
        .when(readBy("ffn_dim"));
    l.add("dropout", &M::dropout, "Dropout", "dropout probability").atLeast(0).below(1).when(readBy("dropout"));
    return l;
  }();
  return f;
}

}  // namespace trustlab
