#include "terminal_progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace trustlab::cli {
namespace {
std::string clock(double s) {
  if (!(s >= 0) || s > 1e7) return "--:--";
  const long t = long(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld", t / 60, t % 60);
  return buf;
}
}  // namespace

TerminalProgress::TerminalProgress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO)) {}

void TerminalProgress::onMessage(const std::string& m) {
  if (quiet_) return;
  if (barShown_) std::fputc('\n', stderr);
  barShown_ = false;
  std::fprintf(stderr, "%s\n", m.c_str());
}

void TerminalProgress::onMetric(const MetricEvent& e) {
  if (e.key == "train/loss") lastLoss_ = e.value;
  if (e.key != "valid/accuracy") return;
  lastValidAccuracy_ = e.value;
  if (!quiet_ && !tty_) std::fprintf(stderr, "step %ld: valid accuracy %.4f\n", e.step, e.value);
}

void TerminalProgress::onProgress(const ProgressEvent& p) {
  if (quiet_ || !tty_) return;
  constexpr int kWidth = 30;
  const double frac = p.totalSteps > 0 ? double(p.step) / double(p.totalSteps) : 0;
  std::string bar(size_t(frac * kWidth), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %3d%% epoch %d/%d step %ld/%ld loss %.4f", bar.c_str(), int(frac * 100), p.epoch,
               p.epochs, p.step, p.totalSteps, lastLoss_);
  if (lastValidAccuracy_ >= 0) std::fprintf(stderr, " valid acc %.4f", lastValidAccuracy_);
  std::fprintf(stderr, " %s<%s ", clock(p.elapsedSeconds).c_str(), clock(p.etaSeconds).c_str());
  std::fflush(stderr);
  barShown_ = true;
}

void TerminalProgress::finish() {
  if (barShown_) std::fputc('\n', stderr);
  barShown_ = false;
}

}  // namespace trustlab::cli
