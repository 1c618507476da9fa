// core/experiment: a role-reversal distillation experiment end to end: the corpus (the generated
// default with its planted gender–occupation association, or any text file, one sentence per
// line), one teacher, and a student per method; each student is a stored run (experiment
// "distill") with its disparity, perplexity and the teacher's, and a few prompts with teacher and
// student continuations for display.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "experiment/run_store.h"
#include "fairness/role_reversal_distillation.h"

namespace trustlab {

struct DistillationRunOptions {
  std::string corpus = "default";  ///< "default" or a text file
  std::vector<std::string> methods = {"kd"};
  DistillationOptions distillation;  ///< method is set per student
  LmTrainOptions teacher;
  long teacherDim = 64, teacherLayers = 2, studentDim = 32, studentLayers = 1;
  size_t sentences = 6000;           ///< default corpus size
  double association = 0.9;          ///< default corpus: P(stereotyped pronoun)
  std::string device = "cpu";
  int examples = 12;                 ///< prompts continued for display
};

struct PromptContinuation {
  std::string prompt, swappedPrompt, teacher, student, teacherSwapped, studentSwapped;
  double teacherPolarity = 0, studentPolarity = 0;
};

struct DistillationOutcome {
  long long runId = 0;
  std::string method;
  double disparity = 0, perplexity = 0, teacherDisparity = 0, teacherPerplexity = 0, seconds = 0;
  std::vector<PromptPolarity> prompts;          ///< the student's
  std::vector<PromptContinuation> continuations;
};

/// Called with each student's outcome as soon as it is ready (a view fills in live).
using DistillationListener = std::function<void(const DistillationOutcome&)>;

std::vector<DistillationOutcome> runDistillation(const DistillationRunOptions& options, RunStore* store,
                                                 const LmProgress& progress = {},
                                                 const DistillationListener& listener = {},
                                                 const std::atomic<bool>* stop = nullptr);

}  // namespace trustlab
