// trustlab-bench: what a suite's --help and its option errors call it ("trustlab-bench dp").
#pragma once
#include <string>

#include "../cli/args.h"

namespace trustlab::bench {

inline cli::CommandHelp suiteHelp(const std::string& suite, const std::string& description) {
  cli::CommandHelp h;
  h.name = "trustlab-bench " + suite;
  h.description = description + " (trustlab-bench without arguments lists every suite's options.)";
  return h;
}

}  // namespace trustlab::bench
