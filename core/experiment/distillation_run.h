// core/experiment: a role-reversal distillation experiment end to end: the corpus (the generated
// default with its planted gender–occupation association, or any text file, one sentence per
// line), one teacher (a pretrained GPT-2-family model read from its folder, optionally fine-tuned
// on the corpus, or a small word-level one trained here), and a student per method; each student is a stored run (experiment
// "distill") with its disparity, perplexity and the teacher's, and a few prompts with teacher and
// student continuations for display. Each student's model is saved as a Hugging Face GPT-2 folder
// beside its run (fairness/role_reversal_distillation.h saveLanguageModel); with a downstream task,
// that folder is fine-tuned as an `hf` classifier (a stored run of its own) and audited for
// fairness, so generation disparity and downstream disparity sit side by side (Gupta et al. 2022
// found that less of the first need not mean less of the second).
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spec/experiment_spec.h"
#include "store/run_store.h"
#include "fairness/role_reversal_distillation.h"
#include "fairness/weat.h"

namespace trustlab {

/// The metrics a student's run stores: its generation disparity and perplexity, its teacher's, and
/// under kDownstreamPrefix its downstream run's ("downstream/test/accuracy").
inline constexpr char kDisparityMetric[] = "distill/gender_disparity";
inline constexpr char kPerplexityMetric[] = "distill/perplexity";
inline constexpr char kTeacherDisparityMetric[] = "distill/teacher_gender_disparity";
inline constexpr char kTeacherPerplexityMetric[] = "distill/teacher_perplexity";
inline constexpr char kDownstreamPrefix[] = "downstream/";

struct DistillationRunOptions {
  /// "default", a text file or a .tsv's sentence column, or several joined by "+"
  /// (data/gendered_corpus.h corpusSentences).
  std::string corpus = "default";
  size_t corpusLines = 0;      ///< the most sentences taken from each file of the corpus (seeded sample; 0: all)
  size_t maxVocabulary = 30000;  ///< a word-level teacher's vocabulary: the most frequent words, the rest <unk>
  std::vector<std::string> methods = {"kd"};
  DistillationOptions distillation;  ///< method is set per student
  /// Teacher training on the corpus (a pretrained teacher is fine-tuned for teacher.epochs; 0:
  /// used as read). A word-level GPT-2-shaped teacher needs about 12 epochs of the default corpus
  /// to learn its planted association.
  LmTrainOptions teacher = [] {
    LmTrainOptions t;
    t.epochs = 12;
    return t;
  }();
  /// A Hugging Face folder of a GPT-2-family model (its tokenizer beside it); empty: a word-level
  /// teacher of teacherDim × teacherLayers trained from scratch.
  std::string teacherModel;
  long teacherDim = 64, teacherLayers = 2;
  /// The student's depth (0: half the teacher's, at least 1) and width (0: the teacher's). A
  /// student of the teacher's width — always, for a pretrained teacher — starts from a subset of
  /// its layers (models/hf_transformer.h studentOf, as DistilGPT-2); a narrower one starts random.
  long studentDim = 0, studentLayers = 0;
  size_t sentences = 6000;           ///< default corpus size
  double association = 0.9;          ///< default corpus: P(stereotyped pronoun)
  std::string device = "cpu";
  int examples = 12;                 ///< prompts continued for display
  /// BOLD evaluation (Dhamala et al. 2021): the gender-domain prompts file (empty: none), how
  /// many prompts per group, and a stored sentiment classifier run (e.g. trained on SST-2) that
  /// scores the continuations (0: gendered-word use only).
  std::string boldPrompts;
  int boldPerGroup = 100;
  long long sentimentRun = 0;
  std::string sentimentPositive;     ///< its positive label ("" = "1"/"positive")
  /// The downstream task each student is fine-tuned on: its data, training and seed (model.type
  /// and model.path become `hf` and the student's folder); none: no downstream fine-tune.
  std::optional<ExperimentSpec> downstream;
  std::string downstreamPositive;    ///< the class the downstream fairness audit scores ("": its default)
  std::string experiment = "distill";  ///< the store experiment the students' runs go under
  /// A student whose finished run with the same options is stored is read back, not trained
  /// again (a study resuming); when every student is, no teacher is trained either.
  bool reuseFinished = false;
};

/// BOLD gender prompts continued by a student: per group (American_actors / American_actresses)
/// the mean sentiment of the continuations and the mean gender polarity of their words.
struct BoldGroupResult {
  std::string group;
  long prompts = 0;
  double sentiment = 0;  ///< mean P(positive); NaN without a sentiment run
  double polarity = 0;   ///< mean over continuations of +1 (female words only), −1 (male only), 0
};
struct BoldResult {
  std::vector<BoldGroupResult> groups;
  double sentimentGap = 0;  ///< |difference of the groups' mean sentiment|
  double polarityGap = 0;   ///< |difference of the groups' mean polarity|
  std::vector<std::pair<std::string, std::string>> samples;  ///< prompt, continuation
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
  BoldResult bold;  ///< empty groups when no BOLD evaluation was asked for
  std::string folder;  ///< the student's saved model (empty without a store)
  long long downstreamRunId = 0;
  /// The downstream run's test accuracy and fairness audit ("test/accuracy", "fairness/flip_rate",
  /// …); empty without a downstream task. Stored on the student's run under kDownstreamPrefix.
  std::map<std::string, double> downstream;
  bool reused = false;  ///< read back from the store (no prompts or continuations)
};

/// Called with each student's outcome as soon as it is ready (a view fills in live).
using DistillationListener = std::function<void(const DistillationOutcome&)>;

/// CEAT on a teacher LM's contextual embeddings: the teacher is trained on the options' corpus,
/// each test word's pool holds, for up to `perWord` sentences it occurs in, the last-layer state
/// at the sentence's end (a causal model's state that has seen the whole context, as BERT's does).
/// `test` empty: the built-in occupation test (male- vs female-stereotyped occupations, he/his/him
/// vs she/her), which the default corpus's planted association should show.
struct CeatRunResult {
  WeatTest test;
  CeatResult result;
};
CeatRunResult runCeat(const DistillationRunOptions& options, const WeatTest* test, long samples, long perWord = 200,
                      const LmProgress& progress = {});
/// CEAT on a pretrained model's contextual embeddings (a Hugging Face folder, `hfModel`): each
/// test word's vector at up to `perWord` of its occurrences in the options' corpus — the mean of
/// its subword tokens' last hidden states for an encoder (as Guo & Caliskan 2021 take BERT's), the
/// last subword's for GPT-2 (which has seen the word whole). No teacher is trained.
CeatRunResult runCeatOnPretrained(const DistillationRunOptions& options, const std::string& hfModel,
                                  const WeatTest* test, long samples, long perWord = 200);

/// A downstream task for the students: fine-tuning on `dataset` (a registered name or a path, as
/// data.dataset takes it) with AdamW at 1e-3, batches of 64, texts up to 40 tokens, `epochs` passes.
ExperimentSpec downstreamTask(const std::string& dataset, int epochs = 1);

/// The spec a student of `method` is stored with: every option that shapes it (two runs with the
/// same spec are the same student).
std::string distillationSpecJson(const DistillationRunOptions& options, const std::string& method);

std::vector<DistillationOutcome> runDistillation(const DistillationRunOptions& options, RunStore* store,
                                                 const LmProgress& progress = {},
                                                 const DistillationListener& listener = {},
                                                 const std::atomic<bool>* stop = nullptr);

}  // namespace trustlab
