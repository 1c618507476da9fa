#include "pretrained/hf_folder_writer.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/errors.h"

namespace trustlab {

std::string hfConfigJson(const HfConfig& c, const std::string& architecture) {
  nlohmann::json j{{"model_type", c.modelType}, {"architectures", {architecture}}, {"vocab_size", c.vocabSize}};
  if (c.modelType == "gpt2") {
    j.update({{"n_embd", c.hiddenSize}, {"n_layer", c.layers}, {"n_head", c.heads}, {"n_inner", c.intermediateSize},
              {"activation_function", c.activation}, {"layer_norm_epsilon", c.layerNormEps}, {"n_positions", c.maxPositions},
              {"pad_token_id", c.padTokenId}, {"tie_word_embeddings", c.tiedEmbeddings}, {"resid_pdrop", c.hiddenDropout},
              {"embd_pdrop", c.hiddenDropout}, {"attn_pdrop", c.attentionDropout}});
  } else if (c.modelType == "distilbert") {
    j.update({{"dim", c.hiddenSize}, {"n_layers", c.layers}, {"n_heads", c.heads}, {"hidden_dim", c.intermediateSize},
              {"activation", c.activation}, {"max_position_embeddings", c.maxPositions}, {"pad_token_id", c.padTokenId},
              {"dropout", c.hiddenDropout}, {"attention_dropout", c.attentionDropout}});
  } else if (c.modelType == "bert" || c.modelType == "roberta") {
    j.update({{"hidden_size", c.hiddenSize}, {"num_hidden_layers", c.layers}, {"num_attention_heads", c.heads},
              {"intermediate_size", c.intermediateSize}, {"hidden_act", c.activation}, {"layer_norm_eps", c.layerNormEps},
              {"max_position_embeddings", c.maxPositions}, {"type_vocab_size", c.typeVocabSize},
              {"pad_token_id", c.padTokenId}, {"hidden_dropout_prob", c.hiddenDropout},
              {"attention_probs_dropout_prob", c.attentionDropout}});
  } else {
    throw InputError("config.json", "model type '" + c.modelType + "' is not one TrustLab writes", 0, "model_type");
  }
  if (c.padTokenId < 0) j.erase("pad_token_id");  // none set (a model built in code): as GPT-2's own config
  return j.dump(2);
}

void copyTokenizerFiles(const HfModelFolder& source, const std::string& folder) {
  namespace fs = std::filesystem;
  for (const auto& file : fs::directory_iterator(source.folder)) {
    const auto& path = file.path();
    const auto ext = path.extension();
    if (file.is_regular_file() && path.filename() != "config.json" && path != fs::path(source.weights) &&
        (ext == ".txt" || ext == ".json" || ext == ".model"))
      fs::copy_file(path, fs::path(folder) / path.filename(), fs::copy_options::overwrite_existing);
  }
}

}  // namespace trustlab
