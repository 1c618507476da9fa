#include "spec/spec_fields.h"

#include "spec/experiment_spec.h"
#include "spec/prepared_data.h"

namespace trustlab {
namespace {

/// Appends `list`'s fields, reached from a spec through `project` (a generic lambda returning the
/// section's struct, const or not); whether one applies is asked of `seen(spec)`.
template <typename C, typename Project, typename Seen>
void lift(std::vector<SpecField>& out, const FieldList<C>& list, Project project, Seen seen) {
  for (const auto& f : list.fields()) {
    SpecField s;
    s.section = list.section();
    s.sectionTitle = list.title();
    s.info = f.info;
    s.get = [get = f.get, project](const ExperimentSpec& e) { return get(project(e)); };
    s.set = [set = f.set, project](ExperimentSpec& e, const FieldValue& v) { set(project(e), v); };
    if (f.applies) s.applies = [applies = f.applies, seen](const ExperimentSpec& e) { return applies(seen(e)); };
    out.push_back(std::move(s));
  }
}

template <typename C, typename Project>
void lift(std::vector<SpecField>& out, const FieldList<C>& list, Project project) {
  lift(out, list, project, [project](const ExperimentSpec& e) -> const C& { return project(e); });
}

/// The data section as read: with the tokenizer in effect (an hf model's folder brings its own).
DataConfig dataAsRead(const ExperimentSpec& s) {
  auto d = s.data;
  d.tokenizer = tokenizerFor(s);
  return d;
}

const FieldList<ExperimentSpec>& topLevelFields() {
  static const auto f = [] {
    FieldList<ExperimentSpec> l("", "Experiment");
    l.add("name", &ExperimentSpec::name, "Name", "the run's name in the store");
    return l;
  }();
  return f;
}

}  // namespace

const std::vector<SpecField>& specFields() {
  static const auto all = [] {
    std::vector<SpecField> v;
    lift(v, topLevelFields(), [](auto& s) -> auto& { return s; });
    lift(v, dataFields(), [](auto& s) -> auto& { return s.data; }, dataAsRead);
    lift(v, modelFields(), [](auto& s) -> auto& { return s.model; });
    lift(v, trainingFields(), [](auto& s) -> auto& { return s.training; });
    lift(v, privacyFields(), [](auto& s) -> auto& { return s.training.privacy; });
    lift(v, auditFields(), [](auto& s) -> auto& { return s.audit; });
    lift(v, federatedFields(), [](auto& s) -> auto& { return s.federated; });
    return v;
  }();
  return all;
}

const SpecField* findSpecField(const std::string& path) {
  for (const auto& f : specFields())
    if (f.path() == path) return &f;
  return nullptr;
}

std::vector<std::string> specSections() {
  std::vector<std::string> out;
  for (const auto& f : specFields())
    if (out.empty() || out.back() != f.section) out.push_back(f.section);
  return out;
}

}  // namespace trustlab
