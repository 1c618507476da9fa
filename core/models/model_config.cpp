#include "models/model_config.h"

#include <algorithm>

#include "models/fine_tuning.h"
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
/// Also only when the chosen fine-tuning mode reads it.
std::function<bool(const ModelConfig&)> readByMode(const char* key) {
  return [key, model = readBy(key)](const ModelConfig& m) {
    const auto* mode = fineTuningModeRegistry().find(m.fineTuning.mode);
    return model(m) && (!mode || std::find(mode->fields.begin(), mode->fields.end(), key) != mode->fields.end());
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
    using F = FineTuningConfig;
    l.add("path", &M::path, "Model folder",
          "a Hugging Face model folder on disk (config.json, model.safetensors, tokenizer files); never downloaded")
        .folder().when(readBy("path"));
    l.add("fine_tuning", &M::fineTuning, &F::mode, "Fine-tuning", "which weights of the pretrained model train")
        .choices(fineTuningModeRegistry()).when(readBy("fine_tuning"));
    l.add("top_layers", &M::fineTuning, &F::topLayers, "Top layers", "top_layers: how many of the last blocks train")
        .atLeast(1).atMost(128).when(readByMode("top_layers"));
    l.add("lora_rank", &M::fineTuning, &F::loraRank, "LoRA rank", "lora: the adapters' rank r").atLeast(1).atMost(1024)
        .when(readByMode("lora_rank"));
    l.add("lora_alpha", &M::fineTuning, &F::loraAlpha, "LoRA α", "lora: the update is scaled by α/r").above(0)
        .when(readByMode("lora_alpha"));
    return l;
  }();
  return f;
}

}  // namespace trustlab
