#include "store/run_filter.h"

#include <cctype>
#include <cstdlib>
#include <vector>

#include "store/run_comparison.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {

/// An expression tree: and/or/not over comparisons (op empty: "the run has the key").
struct RunFilter::Node {
  enum Kind { And, Or, Not, Compare } kind = Compare;
  std::shared_ptr<const Node> left, right;
  std::string key, op, value;
};

namespace {

using Node = RunFilter::Node;

bool compare(const std::string& have, const std::string& op, const std::string& want) {
  if (op == "~") {  // contains, ignoring case
    auto lower = [](std::string s) {
      for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    return lower(have).find(lower(want)) != std::string::npos;
  }
  const auto a = parseNumber(have), b = parseNumber(want);
  const int order = a && b ? (*a < *b ? -1 : *a > *b ? 1 : 0) : have.compare(want) < 0 ? -1 : have == want ? 0 : 1;
  if (op == "=" || op == "==") return order == 0;
  if (op == "!=") return order != 0;
  if (!(a && b)) return false;  // text has no order worth asking for
  if (op == "<") return order < 0;
  if (op == "<=") return order <= 0;
  if (op == ">") return order > 0;
  return order >= 0;  // ">="
}

/// Recursive descent over: or := and ("or" and)*; and := unary ("and" unary)*;
/// unary := "not" unary | "(" or ")" | KEY [OP VALUE].
class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  std::shared_ptr<const Node> parse() {
    auto root = parseOr();
    skipSpace();
    if (pos_ < text_.size()) fail("unexpected '" + text_.substr(pos_, 12) + "'");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("filter", what + " at column " + std::to_string(pos_ + 1) + " of '" + text_ + "'");
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  static bool keyChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' || c == '-' || c == ':' ||
           (c & 0x80);  // UTF-8 (ε)
  }
  /// A word if the next token is one, without consuming it.
  std::string peekWord() {
    skipSpace();
    size_t end = pos_;
    while (end < text_.size() && keyChar(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }
  bool acceptKeyword(const char* word) {
    if (peekWord() != word) return false;
    pos_ += std::string(word).size();
    return true;
  }
  std::shared_ptr<const Node> binary(Node::Kind kind, std::shared_ptr<const Node> l, std::shared_ptr<const Node> r) {
    auto n = std::make_shared<Node>();
    n->kind = kind, n->left = std::move(l), n->right = std::move(r);
    return n;
  }
  std::shared_ptr<const Node> parseOr() {
    auto left = parseAnd();
    while (acceptKeyword("or")) left = binary(Node::Or, left, parseAnd());
    return left;
  }
  std::shared_ptr<const Node> parseAnd() {
    auto left = parseUnary();
    while (acceptKeyword("and")) left = binary(Node::And, left, parseUnary());
    return left;
  }
  std::shared_ptr<const Node> parseUnary() {
    if (acceptKeyword("not")) return binary(Node::Not, parseUnary(), nullptr);
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      auto inner = parseOr();
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ')') fail("expected ')'");
      ++pos_;
      return inner;
    }
    auto n = std::make_shared<Node>();
    n->key = peekWord();
    if (n->key.empty() || n->key == "and" || n->key == "or") fail("expected a key");
    pos_ += n->key.size();
    skipSpace();
    for (const char* op : {"<=", ">=", "==", "!=", "<", ">", "=", "~"})
      if (text_.compare(pos_, std::string(op).size(), op) == 0) {
        n->op = op;
        pos_ += n->op.size();
        n->value = parseValue();
        break;
      }
    return n;
  }
  std::string parseValue() {
    skipSpace();
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
      const char quote = text_[pos_];
      const size_t end = text_.find(quote, pos_ + 1);
      if (end == std::string::npos) fail("unclosed quote");
      std::string v = text_.substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
      return v;
    }
    std::string v = peekWord();
    if (v.empty()) fail("expected a value");
    pos_ += v.size();
    return v;
  }

  const std::string& text_;
  size_t pos_ = 0;
};

bool evaluate(const Node& n, const RunRecord& run) {
  switch (n.kind) {
    case Node::And: return evaluate(*n.left, run) && evaluate(*n.right, run);
    case Node::Or: return evaluate(*n.left, run) || evaluate(*n.right, run);
    case Node::Not: return !evaluate(*n.left, run);
    case Node::Compare: break;
  }
  const auto have = runValue(run, n.key);
  if (n.op.empty()) return have.has_value();
  return have && compare(*have, n.op, n.value);
}

/// A field of the run's spec ("privacy.target_epsilon"); absent when its section is switched off
/// (a non-private run has no target ε, a central run no client count).
std::optional<std::string> specValue(const RunRecord& r, const std::string& key) {
  const auto& settings = runSettings(r);
  const auto it = settings.find(key);
  if (it == settings.end()) return std::nullopt;
  const auto off = [&](const char* section, const char* switchKey, const char* offValue) {
    const std::string prefix = std::string(section) + ".";
    if (key.rfind(prefix, 0) != 0 || key == prefix + switchKey) return false;
    const auto s = settings.find(prefix + switchKey);
    return s != settings.end() && s->second == offValue;
  };
  if (off("privacy", "mode", "off") || off("federated", "enabled", "false")) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> runValue(const RunRecord& r, const std::string& key) {
  if (key == "id") return std::to_string(r.id);
  if (key == "name") return r.name;
  if (key == "status") return r.status;
  if (key == "experiment") return r.experiment;
  if (key == "seed") return std::to_string(r.seed);
  if (const auto m = r.latestMetrics.find(key); m != r.latestMetrics.end()) return formatNumber(m->second, 10);
  if (const auto p = r.params.find(key); p != r.params.end()) return p->second;
  if (const auto t = r.tags.find(key); t != r.tags.end()) return t->second;
  return specValue(r, key);
}

bool looksLikeRunFilter(const std::string& text) {
  if (text.find_first_of("<>=~()") != std::string::npos) return true;
  for (const char* word : {" and ", " or ", "not "})
    if (text.find(word) != std::string::npos) return true;
  return false;
}

RunFilter RunFilter::parse(const std::string& text) {
  RunFilter f;
  if (text.find_first_not_of(" \t") != std::string::npos) f.root_ = Parser(text).parse();
  return f;
}

bool RunFilter::matches(const RunRecord& run) const { return !root_ || evaluate(*root_, run); }

}  // namespace trustlab
