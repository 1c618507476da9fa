// fuzz: what every harness needs: the input split into parts (files a loader reads, a text to
// encode) and written where a loader looks, and the contract they check. Loaders read paths, so
// each part goes to a file in a private folder made once per process.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace trustlab::fuzz {

/// The input as `n` parts cut at the separator line "\n--\n" (missing parts are empty), so one
/// corpus file can hold a vocabulary, its merges and a text; the fuzzer learns the separator from
/// the seeds.
inline std::vector<std::string> parts(const uint8_t* data, size_t size, size_t n) {
  const std::string all(reinterpret_cast<const char*>(data), size), cut = "\n--\n";
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() + 1 < n) {
    const size_t at = all.find(cut, start);
    if (at == std::string::npos) break;
    out.push_back(all.substr(start, at - start));
    start = at + cut.size();
  }
  out.push_back(all.substr(std::min(start, all.size())));
  out.resize(n);
  return out;
}

/// A folder of this process's own (made once: each input overwrites the files it uses, so a
/// harness gives every layout its own subfolder and removes optional files itself).
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("trustlab-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

/// Writes `content` to dir/name (creating its folders) and returns the path.
inline std::string write(const std::filesystem::path& dir, const std::string& name, const std::string& content) {
  const auto path = dir / name;
  if (!std::filesystem::is_directory(path.parent_path())) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path.string();
}

}  // namespace trustlab::fuzz

/// Every harness: malformed input must end in an InputError (which names the file); any other
/// exception escapes and libFuzzer reports it with the input, as it does crashes, leaks and
/// sanitizer findings.
#define TRUSTLAB_FUZZ_EXPECTING_INPUT_ERRORS(body) \
  try {                                            \
    body;                                          \
  } catch (const trustlab::InputError&) {          \
  }                                                \
  return 0
