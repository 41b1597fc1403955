// Checking a postmortem template before it is rendered: its tags read by
// kainjow-mustache's own rules (TagReader), each checked against the data a
// template sees (check_tags), so that a misspelt name, a partial or an
// unclosed section is an error naming the line, not an empty spot.

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cctype>
#include <deque>
#include <string_view>

#include "core/error.hpp"
#include "core/postmortem_internal.hpp"
#include "core/util/text.hpp"

namespace irctl {

// "line:column" of a byte offset in a template.
std::string where(const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t column = line_start == std::string::npos || offset == 0 ? offset + 1 : offset - line_start;
  return std::to_string(line) + ":" + std::to_string(column);
}

namespace {

const char* const kDataHint =
    "the data a template sees is described in irctl-templates(5); see real data with 'irctl show ID --json'";

// Follows Mustache's lookup of a dotted name through the stack of section
// contexts. A null context stands for one whose keys cannot be known (an
// empty list): anything may be in it.
bool resolves(const std::vector<const Json*>& stack, const std::string& name) {
  if (name == ".") return true;
  const std::string first = name.substr(0, name.find('.'));
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if (*it == nullptr) return true;
    if (!(*it)->is_object() || !(*it)->contains(first)) continue;
    const Json* v = &(**it)[first];
    size_t pos = first.size();
    while (pos < name.size()) {
      const size_t next = name.find('.', pos + 1);
      const std::string key = name.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      if (v->is_array()) return true;  // keys of list items are checked in their section
      if (!v->is_object() || !v->contains(key)) return false;
      v = &(*v)[key];
      pos = next == std::string::npos ? name.size() : next;
    }
    return true;
  }
  return false;
}

const Json* lookup(const std::vector<const Json*>& stack, const std::string& name) {
  if (name == ".") return stack.back();
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if (*it == nullptr) return nullptr;
    const Json* v = *it;
    size_t start = 0;
    bool found = true;
    while (true) {
      const size_t dot = name.find('.', start);
      const std::string key = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!v->is_object() || !v->contains(key)) {
        found = false;
        break;
      }
      v = &(*v)[key];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (found) return v;
  }
  return nullptr;
}

// The context a section pushes: an object, the union of the objects of a
// list, or null when its keys cannot be known.
Json section_context(const Json* v) {
  if (!v) return nullptr;
  if (v->is_object()) return *v;
  if (v->is_array()) {
    Json merged = Json::object();
    for (const auto& item : *v) {
      if (!item.is_object()) return Json::object();
      merged.update(item);
    }
    return v->empty() ? Json(nullptr) : merged;
  }
  return Json::object();
}

// A tag as kainjow-mustache reads it.
struct Tag {
  char kind = 0;  ///< '#', '^', '/', '>', '!', '&', '=' (delimiters set), or 0 for a variable
  std::string name;
  size_t offset = 0;  ///< where it starts in the template
};

// Reads the tags of a template by kainjow-mustache's own rules, so that the
// checks see what the renderer will: set-delimiter tags change the
// delimiters of every tag after them, and a triple mustache exists only
// while the delimiters are the default braces. One pass over the text.
class TagReader {
 public:
  explicit TagReader(const Template& tmpl) : tmpl_(tmpl) {}

  /// The next tag; nullopt after the last one.
  std::optional<Tag> next() {
    const std::string& t = tmpl_.text;
    const size_t start = t.find(open_, pos_);
    if (start == std::string::npos) return std::nullopt;
    size_t inner = start + open_.size();
    const bool triple = open_ == "{{" && close_ == "}}" && inner < t.size() && t[inner] == '{';
    if (triple) ++inner;
    const std::string& close = triple ? kTripleClose : close_;
    const size_t end = t.find(close, inner);
    if (end == std::string::npos)
      throw Error(Errc::data, tmpl_.name + ":" + where(t, start) + ": unclosed tag", "close it with " + close);
    pos_ = end + close.size();
    Tag tag{triple ? '&' : char{0}, kainjow::mustache::trim(t.substr(inner, end - inner)), start};
    if (triple || tag.name.empty()) return tag;
    if (tag.name[0] == '=') {
      set_delimiters(tag);
      tag.kind = '=';
    } else if (std::string_view("#^/>&!").find(tag.name[0]) != std::string_view::npos) {
      tag.kind = tag.name[0];
      tag.name = kainjow::mustache::trim(tag.name.substr(1));
    }
    return tag;
  }

  /// How a tag of `kind` is written with the delimiters in force: {{#name}}.
  std::string spelled(char kind, const std::string& name) const {
    return open_ + (kind ? std::string(1, kind) : "") + name + close_;
  }

 private:
  // "=<% %>=": two delimiters without '=' or white space, apart by spaces.
  void set_delimiters(const Tag& tag) {
    const std::string& s = tag.name;
    const auto valid = [](const std::string& d) {
      return !d.empty() && std::none_of(d.begin(), d.end(),
                                        [](char c) { return c == '=' || std::isspace(static_cast<unsigned char>(c)); });
    };
    const std::string both = s.size() >= 5 && s.back() == '=' ? kainjow::mustache::trim(s.substr(1, s.size() - 2)) : "";
    const size_t space = both.find(' ');
    const std::string open = both.substr(0, space);
    const std::string close = space == std::string::npos ? "" : both.substr(both.find_first_not_of(' ', space));
    if (!valid(open) || !valid(close))
      throw Error(Errc::data, tmpl_.name + ":" + where(tmpl_.text, tag.offset) + ": invalid set-delimiter tag",
                  "write it as {{=<% %>=}}: two delimiters apart by a space, without '=' or spaces in them");
    open_ = open;
    close_ = close;
  }

  static inline const std::string kTripleClose = "}}}";
  const Template& tmpl_;
  size_t pos_ = 0;
  std::string open_ = "{{";
  std::string close_ = "}}";
};

// Deeper than any document needs, and shallow enough for kainjow's
// recursive renderer.
constexpr size_t kMaxSectionDepth = 64;
}  // namespace

// Checks every tag against the data, so that a misspelt name is an error and
// not an empty spot in a postmortem. Linear in the size of the template: a
// tag's line and column are counted only for an error.
std::set<std::string> check_tags(const Template& tmpl, const Json& data) {
  std::set<std::string> names;
  const auto at = [&](const Tag& tag) { return tmpl.name + ":" + where(tmpl.text, tag.offset); };
  // A deque, so that the stack's pointers stay valid as contexts come and go.
  std::deque<Json> contexts;
  std::vector<const Json*> stack = {&data};
  std::vector<Tag> open;
  TagReader reader(tmpl);
  while (const auto tag = reader.next()) {
    if (tag->kind == '!' || tag->kind == '=') continue;
    if (tag->kind == '>')
      throw Error(Errc::data, at(*tag) + ": partials (" + reader.spelled('>', tag->name) + ") are not supported",
                  "put the text in the template");
    if (tag->kind == '/') {
      // Worded as kainjow-mustache words it, as before these checks came first.
      if (open.empty()) throw Error(Errc::data, at(*tag) + ": unopened section \"" + tag->name + "\"", "remove it");
      if (open.back().name != tag->name)
        throw Error(Errc::data, at(*tag) + ": " + reader.spelled('/', tag->name) + " closes a section that is not open",
                    "the open section is " + reader.spelled('#', open.back().name) + ": close it first");
      open.pop_back();
      stack.pop_back();
      contexts.pop_back();
      continue;
    }
    if (!resolves(stack, tag->name)) throw Error(Errc::data, at(*tag) + ": unknown tag " + quote(tag->name), kDataHint);
    names.insert(tag->name.substr(0, tag->name.find('.')));
    if (tag->kind == '#' || tag->kind == '^') {
      if (open.size() == kMaxSectionDepth)
        throw Error(
            Errc::data,
            at(*tag) + ": sections are nested too deeply (more than " + std::to_string(kMaxSectionDepth) + " levels)",
            "close some of the sections that are open before opening this one");
      contexts.push_back(tag->kind == '#' ? section_context(lookup(stack, tag->name)) : Json::object());
      stack.push_back(contexts.back().is_null() ? nullptr : &contexts.back());
      open.push_back(*tag);
    }
  }
  if (!open.empty())
    throw Error(Errc::data, at(open.back()) + ": unclosed section \"" + open.back().name + "\"",
                "close it with " + reader.spelled('/', open.back().name));
  return names;
}

}  // namespace irctl
