// trustlab-cli: the headless front end. Exit codes: 0 ok, 2 bad input (the message names the
// file/field), 1 any other failure.
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "cli_commands.h"
#include "audits/membership_audit.h"
#include "plugins/plugin_loader.h"
#include "studies/study.h"
#include "privacy/privacy_history.h"
#include "store/run_groups.h"
#include "tokenizers/pretrained_tokenizer.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/text.h"

namespace {
const char* kUsage = R"(usage: trustlab-cli <command> [options]

commands:
  train [SPEC.json] [options]                 (central training, optionally eDP-SGD; train --help lists
                                              every spec field as an option, with its default and range)
  train --resume ID [--checkpoint-every N]    (continue a stopped or killed run exactly where it stopped)
  fl [SPEC.json] [options]                    (federated simulation; fl --help lists every option)
  runs list [--filter TEXT] [--where EXPR] [--group-by G] [--store FILE] [--json]
                                              (EXPR: "privacy.target_epsilon < 3 and test/accuracy > 0.9";
                                              G: a grouping below or any param/tag/spec field; each group's
                                              metrics as mean ± sd)
  runs show ID [--store FILE] [--json]
  runs export ID --csv [--output FILE] [--store FILE]
  runs export [ID...] [--where EXPR] --mlflow DIR | --tensorboard DIR [--store FILE] [--json]
                                              (MLflow file store / TensorBoard event files; docs/interop.md)
  runs ledger ID [--accountant A] [--store FILE] [--json]   (recompute a private run's ε)
  runs tag ID KEY[=VALUE]... [--store FILE]   (label a run; records such as privacy.* are refused)
  runs untag ID KEY... [--store FILE]
  runs note ID TEXT... [--store FILE]         (the run's free-text note)
  runs rename ID NAME... [--store FILE]
  runs check [--store FILE] [--json]          (SQLite integrity check and runs by status; exit 1 if damaged)
  runs delete ID [--store FILE]
  report [ID...] [--where EXPR] --output DIR [--metrics K1,K2] [--store FILE] [--json]
                                              (report.md: runs, settings that differ, metrics, figures)
  datasets list [--json]
  audit list [--json]                         (every audit: its argument and the metrics it records)
  audit NAME --run ID [--with ARG] [--set KEY=VALUE,...] [--positive LABEL] [--store FILE] [--json]
                                              (run audit NAME (below) on a stored run; ARG: its attack or file;
                                               --set: its settings, listed by 'audit list')
  attack mia --run ID [--method M] [--shadows K] [--offline] [--fixed-variance]
             [--audit-examples N] [--nproc N] [--store FILE] [--json]
                                              (membership inference on a stored run; LiRA's shadows are kept
                                               beside the run and reused, --nproc trains them in N processes)
  attack canary --run ID [--steps N] [--restarts R] [--store FILE] [--json]
                                              (exposure and model inversion of the run's planted canaries)
  attack whitebox --run ID [--canaries N] [--trainings K] [--store FILE] [--json]
                                              (DP audit: the run's spec retrained with gradient canaries in its
                                               steps; ε lower bound against the theoretical ε)
  fairness classifier --run ID [--positive LABEL] [--bootstrap B] [--word-lists F1,F2] [--census-names DIR]
                     [--store FILE] [--json]   (group, counterfactual and bias-AUC metrics with 95 % CIs)
  fairness weat --test FILE --run ID [--samples N] [--store FILE] [--json]
                                              (WEAT/SEAT effect size and permutation p on the run's embeddings)
  fairness eec --run ID [--positive LABEL] [--file EEC.csv] [--store FILE] [--json]
                                              (female − male P(positive) on the Equity Evaluation Corpus)
  fairness distill [--corpus default|FILE] [--method kd|cda|perturb|both|all] [--mix mean|max|expmean]
                   [--teacher HF_DIR] [--student-layers N] [--epochs N] [--teacher-epochs N (--teacher: 0)] [--kd-weight A]
                   [--temperature T] [--store FILE] [--json]
                   [--bold | --bold-prompts FILE] [--bold-per-group N] [--sentiment-run ID] [--positive LABEL]
                   [--downstream DATASET|SPEC.json] [--downstream-epochs N] [--downstream-steps N]
                   [--downstream-positive LABEL] [--corpus-lines N] [--max-vocab N]
                                              (counterfactual role-reversal distillation of a GPT-2-family
                                               teacher, or of a word-level LM trained here, into a
                                               student from a subset of its layers; each student saved
                                               as a model folder, optionally fine-tuned downstream and
                                               fairness-audited; --corpus default+FILE.tsv mixes text)
  fairness ceat [--run ID | --model HF_DIR] [--test default|FILE] [--corpus default|FILE] [--samples N]
                [--per-word K] [--store FILE] [--json]
                                              (CEAT on a stored run's contextual token states (recorded on it),
                                               a pretrained model's, or a word-level LM trained here)
  predict --run ID --text T [--saliency] [--counterfactual] [--steps N] [--store FILE] [--json]
                                              (label and probabilities; token saliency; gender-swapped twin)
  tokenize --tokenizer DIR_OR_FILE --text T [--json]
                                              (a pretrained model's tokenizer: ids, tokens, byte offsets)
  model info DIR [--json]                     (a Hugging Face model folder: type, sizes, tensors, parameters,
                                              tokenizer; read from disk, never downloaded)
  model encode DIR --text T [--json]          (ids with the model's special tokens, last_hidden_state per token,
                                              the last position's logits when it has an LM head)
  model generate DIR --prompt T [--max-new-tokens N] [--temperature X] [--top-k K] [--top-p P] [--seed S] [--json]
                                              (a GPT-2-family continuation; temperature 0 is greedy)
  model export --run ID --output DIR [--store FILE]
                                              (a run's fine-tuned pretrained model as a Hugging Face folder)
  sweep SPEC.json [--nproc N] [--store FILE] [--json]
                                              (grid or random search over any spec fields × seeds,
                                              each point audited; resumable; --nproc: N processes
                                              share the points and the cores; README: sweeps)
  study list | study NAME [--size SIZE] [--nproc N] [--output DIR] [--store FILE] [--json]
                                              (a study's grid, resumable, then its report folder: report.md,
                                               figures, CSV tables, specs, versions; --json: headline numbers)
  privacy epsilon --sample-rate Q --noise-multiplier S (--steps T | --epochs N) --delta D
                  [--accountant A] [--json]
  privacy noise --target-epsilon E --sample-rate Q (--steps T | --epochs N) --delta D [--accountant A] [--json]
  privacy steps --target-epsilon E --sample-rate Q --noise-multiplier S --delta D [--accountant A] [--json]
  privacy batch --target-epsilon E --dataset-size N --epochs N --noise-multiplier S --delta D [--json]
  plugins list [--json]                       (the plugin search path and what each plugin added)

The default store is $TRUSTLAB_STORE or ~/.local/share/trustlab/runs.sqlite (shared with the GUI).
)";

/// The usage text with the registries' current names (plugins' included).
std::string usage() {
  std::string groupings;
  for (const auto& g : trustlab::runGroupings()) groupings += (groupings.empty() ? "" : ", ") + g.key + " (" + g.label + ")";
  return std::string(kUsage) + "Accountants (A): " + trustlab::joinNames(trustlab::accountantNames(), ", ") +
         ".\nMembership attacks (M): " + trustlab::joinNames(trustlab::membershipAttackRegistry().names(), ", ") +
         ".\nAudits (NAME): " + trustlab::joinNames(trustlab::auditRegistry().names(), ", ") +
         ".\nStudies: " + trustlab::joinNames(trustlab::studyRegistry().names(), ", ") +
         ".\nGroupings (G): " + groupings + ".\nTokenizer formats: " +
         trustlab::joinNames(trustlab::pretrainedTokenizerRegistry().names(), ", ") + ".\n";
}
}  // namespace

int main(int argc, char** argv) {
  trustlab::reportFileSizeLimitAsError();
  std::vector<std::string> args(argv + 1, argv + argc);
  // Before anything reads a registry: help texts and choices include what plugins add.
  // `plugins list` says why any was skipped itself.
  if (!args.empty() && args[0] == "plugins") trustlab::loadPlugins();
  else trustlab::loadPluginsWarningOnStderr("trustlab-cli");
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(usage().c_str(), args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "train") return trustlab::cli::trainCommand(args);
    if (command == "fl") return trustlab::cli::flCommand(args);
    if (command == "runs") return trustlab::cli::runsCommand(args);
    if (command == "report") return trustlab::cli::reportCommand(args);
    if (command == "datasets") return trustlab::cli::datasetsCommand(args);
    if (command == "privacy") return trustlab::cli::privacyCommand(args);
    if (command == "audit") return trustlab::cli::auditCommand(args);
    if (command == "attack") return trustlab::cli::attackCommand(args);
    if (command == "fairness") return trustlab::cli::fairnessCommand(args);
    if (command == "predict") return trustlab::cli::predictCommand(args);
    if (command == "tokenize") return trustlab::cli::tokenizeCommand(args);
    if (command == "model") return trustlab::cli::modelCommand(args);
    if (command == "sweep") return trustlab::cli::sweepCommand(args);
    if (command == "study") return trustlab::cli::studyCommand(args);
    if (command == "plugins") return trustlab::cli::pluginsCommand(args);
    std::fprintf(stderr, "trustlab-cli: unknown command '%s'\n\n%s", command.c_str(), usage().c_str());
    return 2;
  } catch (const trustlab::cli::HelpRequested& e) {
    std::fputs(e.what(), stdout);
    return 0;
  } catch (const trustlab::InputError& e) {
    std::fprintf(stderr, "trustlab-cli: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trustlab-cli: failed: %s\n", e.what());
    return 1;
  }
}
