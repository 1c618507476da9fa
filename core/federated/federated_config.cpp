#include "federated/federated_config.h"

#include <algorithm>

#include "federated/client_selection.h"
#include "federated/partition.h"
#include "federated/server_optimizer.h"

namespace trustlab {
namespace {
bool has(const std::vector<std::string>& keys, const char* key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}
/// The field applies when the chosen partition reads it.
std::function<bool(const FederatedConfig&)> partitionReads(const char* key) {
  return [key](const FederatedConfig& f) {
    const auto* p = partitionerRegistry().find(f.partition);
    return !p || has(p->fields, key);
  };
}
/// The field applies when the chosen algorithm reads it.
std::function<bool(const FederatedConfig&)> algorithmReads(const char* key) {
  return [key](const FederatedConfig& f) {
    const auto* a = federatedAlgorithmRegistry().find(f.algorithm);
    return !a || has(a->fields, key);
  };
}
}  // namespace

const FieldList<FederatedConfig>& federatedFields() {
  static const auto f = [] {
    FieldList<FederatedConfig> l("federated", "Federated");
    using F = FederatedConfig;
    l.add("enabled", &F::enabled, "Federated simulation", "train in rounds of client updates instead of centrally")
        .flag("");
    l.gate([](const F& c) { return c.enabled; });
    l.add("partition", &F::partition, "Partition", "how the training set is split into clients")
        .choices(partitionerRegistry());
    l.add("alpha", &F::alpha, "Dirichlet α", "concentration of the label, quantity or cluster skew (small = skewed)")
        .above(0).when(partitionReads("alpha"));
    l.add("quantity_sigma", &F::quantitySigma, "Log-normal σ", "σ of log client size").atLeast(0)
        .when(partitionReads("quantity_sigma"));
    l.add("clusters", &F::clusters, "Clusters", "k of k-means over the texts").atLeast(2).atMost(1000)
        .when(partitionReads("clusters"));
    l.add("clients", &F::clients, "Clients", "the population (a natural partition has one client per user)")
        .atLeast(1).when(partitionReads("clients"));
    l.add("selection", &F::selection, "Selection", "which clients a round invites")
        .choices(selectionRegistry());
    l.add("aggregation", &F::aggregation, "Aggregation",
          "client weights (unbiased pairs: uniform + samples, activity + equal)")
        .choices(aggregationRegistry());
    l.add("rounds", &F::rounds, "Rounds", "server rounds").atLeast(1);
    l.add("clients_per_round", &F::clientsPerRound, "Clients / round", "K clients whose updates a round averages")
        .atLeast(1);
    l.add("local_epochs", &F::localEpochs, "Local epochs", "passes over its data each client makes").atLeast(1);
    l.add("local_batch_size", &F::localBatchSize, "Local batch", "client SGD batch size").atLeast(1);
    l.add("local_lr", &F::localLr, "Local SGD lr", "client SGD learning rate").above(0);
    l.add("algorithm", &F::algorithm, "Algorithm", "the server update (and FedProx's client term)")
        .choices(federatedAlgorithmRegistry());
    l.add("mu", &F::mu, "FedProx μ", "weight of the proximal term").atLeast(0).when(algorithmReads("mu"));
    l.add("server_lr", &F::serverLr, "Server lr", "1 with fedavg is plain averaging; ~0.01–0.1 for FedOpt").above(0);
    l.add("beta1", &F::beta1, "β1", "FedOpt first-moment decay").atLeast(0).below(1).when(algorithmReads("beta1"));
    l.add("beta2", &F::beta2, "β2", "FedOpt second-moment decay").atLeast(0).below(1).when(algorithmReads("beta2"));
    l.add("tau", &F::tau, "τ", "FedOpt adaptivity (added to √v)").above(0).when(algorithmReads("tau"));
    l.add("eval_every", &F::evalEvery, "Eval every (rounds)", "rounds between evaluations of the global model")
        .atLeast(1).flag("eval-every-rounds");
    l.add("periods", &F::periods, "Periods", "continual setting: data arrives in this many periods (1 = static)")
        .atLeast(1).flag("continual");
    l.add("buffer_periods", &F::bufferPeriods, "Buffer periods", "periods of data a client keeps (1 = old data deleted)")
        .atLeast(1).when([](const F& c) { return c.periods > 1; });
    l.add("over_selection", &F::overSelection, "Over-selection", "invite ⌈K·(1 + f)⌉, keep the first K to report")
        .atLeast(0).atMost(10);
    l.add("deadline_seconds", &F::deadlineSeconds, "Deadline (s)", "clients reporting later are dropped")
        .atLeast(0).note("0 = none").flag("deadline");
    l.add("speed_sigma", &F::speedSigma, "Speed σ", "σ of the clients' log-normal speeds").atLeast(0);
    l.add("availability", &F::availability, "Availability", "mean of the clients' Beta availability").above(0).atMost(1);
    l.add("examples_per_second", &F::examplesPerSecond, "Examples / s", "a median client's training throughput")
        .above(0);
    l.add("upload_seconds", &F::uploadSeconds, "Upload (s)", "time to send an update back").atLeast(0);
    l.add("user_dp", &F::userDp, "User-level DP", "DP-FedAvg (McMahan et al. 2018): clip each update, noise the sum");
    const auto userDp = [](const F& c) { return c.userDp; };
    l.add("user_clip", &F::userClip, "User clip", "L2 bound of each client's update").above(0).when(userDp);
    l.add("user_noise_multiplier", &F::userNoiseMultiplier, "User noise σ", "noise std divided by the user clip")
        .atLeast(0).when([](const F& c) { return c.userDp && c.userTargetEpsilon <= 0; });
    l.add("user_target_epsilon", &F::userTargetEpsilon, "User target ε", "> 0: σ calibrated to reach it after all rounds")
        .atLeast(0).note("0 = use user_noise_multiplier").when(userDp);
    l.add("user_adaptive_clip", &F::userAdaptiveClip, "Adaptive user clip",
          "the clip follows a quantile of update norms (Andrew et al. 2021)").flag("").when(userDp);
    const auto adaptive = [](const F& c) { return c.userDp && c.userAdaptiveClip; };
    l.add("user_target_quantile", &F::userTargetQuantile, "User clip quantile", "the update-norm quantile the clip follows")
        .above(0).below(1).when(adaptive);
    l.add("user_clip_lr", &F::userClipLr, "User clip lr", "geometric step of the clip per round").atLeast(0)
        .when(adaptive);
    l.add("activity_cap", &F::activityCap, "Activity cap",
          "user DP with activity selection: q_k = min(1, n_k / cap), a public constant").atLeast(0)
        .when([](const F& c) {
          const auto* s = selectionRegistry().find(c.selection);
          return c.userDp && (!s || s->byActivity);
        });
    l.add("secure_aggregation", &F::secureAggregation, "Secure aggregation",
          "simulated SecAgg: pairwise masks that cancel in the sum");
    l.add("processes", &F::processes, "Processes",
          "local processes sharing each round's clients (Gloo over loopback; the model is the same for any count)")
        .atLeast(1).atMost(256).flag("nproc");
    return l;
  }();
  return f;
}

}  // namespace trustlab
