// fuzz: the pretrained tokenizers (core/tokenizers/): a WordPiece vocab.txt, a GPT-2 encoder.json
// with its vocab.bpe, or a tokenizer.json (the first byte picks), read as `trustlab-cli tokenize`
// reads them, then the input's last part encoded and decoded.
#include "fuzz_input.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto p = trustlab::fuzz::parts(data + 1, size - 1, 3);
  TRUSTLAB_FUZZ_EXPECTING_INPUT_ERRORS({
    const auto& dir = trustlab::fuzz::scratch();
    std::string path;
    switch (data[0] % 3) {  // each layout in its own folder: a folder's files decide its format
      case 0: path = trustlab::fuzz::write(dir / "wordpiece", "vocab.txt", p[0]); break;
      case 1:
        trustlab::fuzz::write(dir / "byte_bpe", "encoder.json", p[0]);
        trustlab::fuzz::write(dir / "byte_bpe", "vocab.bpe", p[1]);
        path = (dir / "byte_bpe").string();
        break;
      default: path = trustlab::fuzz::write(dir / "tokenizer_json", "tokenizer.json", p[0]);
    }
    const auto tokenizer = trustlab::loadPretrainedTokenizer(path);
    const auto encoding = tokenizer->encode(p[2]);
    tokenizer->decode(encoding.ids);
  });
}
