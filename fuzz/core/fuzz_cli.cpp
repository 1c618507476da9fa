// fuzz: the command-line layer of the commands that run a spec (train, fl): argv through CLI11,
// every declared spec field as an option, the shortcuts (--clip auto) and a spec file under them,
// to a validated spec — without training. The input's first part is argv (one word per line, the
// first word picks train or fl), its second the spec file that a positional argument names.
// Words with absolute paths or ".." are skipped: options must not read /dev or the tree.
#include <unistd.h>

#include "../fuzz_input.h"
#include "spec_args.h"
#include "util/errors.h"
#include "util/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = trustlab::fuzz::parts(data, size, 2);
  static const bool inScratch = ::chdir(trustlab::fuzz::scratch().c_str()) == 0;
  if (!inScratch) return 0;
  trustlab::fuzz::write(".", "spec.json", in[1]);
  auto argv = trustlab::split(in[0], '\n');
  for (const auto& word : argv)
    if (word.find("..") != std::string::npos || word.find('/') == 0 || word.find("=/") != std::string::npos) return 0;
  const bool fl = argv.front() == "fl";
  argv.erase(argv.begin());
  using namespace trustlab::cli;
  try {
    const auto& options = fl ? flOptions() : trainOptions();
    const Args a = specArgs(argv, options.valued, options.flags, {fl ? "trustlab-cli fl" : "trustlab-cli train", "fuzzed"},
                            options.sections);
    specFromArgs(a, fl).toJson();
  } catch (const trustlab::InputError&) {
  } catch (const HelpRequested&) {
  }
  return 0;
}
