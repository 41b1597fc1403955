#pragma once
// Postmortems: Markdown rendered from Mustache templates (kainjow-mustache)
// over the incident's data, committed as postmortems/<ID>.md. People edit the
// document anywhere; rendering it again is a three-way merge, as git merges:
// the new rendering into the committed document, from what irctl rendered
// last. Edits are kept, generated lines that changed are updated, and where
// both changed the same lines nothing is written unless a side is favoured.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/model/people.hpp"
#include "core/operations.hpp"
#include "core/store/merge_text.hpp"

namespace irctl {

struct TemplateInfo {
  std::string name;
  std::string source;  ///< "built-in", or the repository path that overrides or adds it
};

/// The templates a repository can use: the built-in ones and those in
/// .irctl/templates/NAME.md.mustache, which override built-ins of the same name.
std::vector<TemplateInfo> list_templates(const Repository& repo);

/// What a template writes, which decides how the values it inserts with
/// {{name}} are escaped ({{{name}}} inserts them as they are): Markdown (the
/// built-in and repository templates, NAME.md.mustache, and any other file),
/// HTML (a file NAME.html.mustache) or plain text (NAME.txt.mustache).
enum class TemplateFormat { markdown, html, text };

/// The format of a template file, from its name.
TemplateFormat template_format_of(const std::string& file_name);

struct Template {
  std::string name;    ///< as it appears in error messages
  std::string text;
  TemplateFormat format = TemplateFormat::markdown;
};
/// Whether --template names a file (a path, or a name ending in .mustache)
/// rather than a template: a command resolves such a path as the user typed
/// it (relative to -C DIR) before load_template.
bool is_template_file(const std::string& name_or_file);

/// A template by name (repository first, then built-in), or from a file when
/// `name_or_file` is a path to one. Throws not_found with the names there are.
Template load_template(const Repository& repo, const std::string& name_or_file);

/// The template an incident gets by default: postmortem-security for a
/// security kind, postmortem otherwise.
std::string default_template_for(const Incident& inc, const Config& config);

/// What a template sees: `show --json` plus durations and lists made for
/// documents (documented in irctl-templates(5)); people by the names
/// `people` gives them.
Json template_data(const IncidentFile& file, const Config& config, const People& people);

/// Whether `path` is where irctl may write a postmortem: a relative path
/// inside the repository, written plainly (no "..", no "./"), outside
/// .git, .irctl, incidents and evidence.
bool safe_output_path(const std::string& path);

/// Whether the postmortem's `timeline` shows the event: a key event
/// (key_event_types()) or a pinned one, never a hidden one.
bool in_postmortem_timeline(const Event& e, const Incident& inc);

/// Who a postmortem is written for.
enum class Audience {
  internal,  ///< the team: everything, people by name
  external,  ///< customers and the public: external_view()
};

/// template_data for readers outside the organisation: people only by the
/// roles they held (no names, handles or emails), the timeline and updates
/// cut to what was meant for them (key events but internal updates, and
/// events pinned as public), no evidence and no channels. Every template
/// gets it the same way; `audience` and `external` say which it is. Every
/// text then loses the people it mentions (a name, email or handle of the
/// data or of `people`, as a whole word in any case): each becomes the
/// role they held, else "a responder".
Json external_view(Json data, const People& people);

/// Renders; a template error (unclosed tag or section, a tag naming nothing
/// in the data) is Error(Errc::data) naming the template, line and tag.
std::string render_template(const Template& tmpl, const Json& data);

/// A template read once and rendered over many data (the site's pages, one
/// per incident): render_template without parsing the template again each
/// time. render may run on several threads at once.
class CompiledTemplate {
 public:
  explicit CompiledTemplate(Template tmpl);
  ~CompiledTemplate();
  CompiledTemplate(const CompiledTemplate&) = delete;
  CompiledTemplate& operator=(const CompiledTemplate&) = delete;
  /// What render_template(tmpl, data) renders, and throws.
  std::string render(const Json& data) const;

 private:
  struct Parsed;
  Template tmpl_;
  mutable std::mutex parsing_;
  mutable std::unique_ptr<const Parsed> parsed_;  ///< on the first render, after its checks
};

struct PostmortemRequest {
  std::string template_name;  ///< empty: the default for the incident
  /// repository path; empty: postmortems/<ID>.md, or
  /// postmortems/<ID>.external.md for the external audience
  std::string output;
  Audience audience = Audience::internal;
  /// Which side takes the lines that a committed edit and the new rendering
  /// both changed (--ours, --theirs); none: they are conflicts.
  MergeFavor favor = MergeFavor::none;
};
/// Lines that a committed edit and the new rendering both changed.
struct PostmortemConflict {
  std::string section;  ///< the nearest Markdown heading above, in the document; empty: none
  LineRange lines;      ///< in the document
  bool operator==(const PostmortemConflict&) const = default;
};
struct PostmortemResult {
  std::string text;  ///< with conflicts and MergeFavor::none (a preview), git's conflict markers around each
  EventResult event;
  std::vector<PostmortemConflict> conflicts;  ///< decided by the favoured side, or marked in the text
  std::string path;  ///< the document's path in the repository
};
/// What irctl postmortem --format renders: the Markdown document, or a
/// standalone HTML page of it.
const AllowedValues& postmortem_formats();

/// What write_postmortem does with the text it renders.
enum class PostmortemMode {
  preview,  ///< only render it (irctl postmortem --output -): nothing is written
  commit,   ///< write it and commit it with a "postmortem" event
};
/// Renders the postmortem, merged into the document at the path, and, in
/// PostmortemMode::commit, writes and commits it (recording in the event's
/// details.rendered the blob id of the rendering before the merge, so that
/// the next merge finds its base). Conflicts with MergeFavor::none refuse a
/// commit (postmortem_conflicts_error); a preview returns them.
PostmortemResult write_postmortem(Repository& repo, const std::string& id, const PostmortemRequest& req,
                                  PostmortemMode mode, const Recorder& rec);

/// "in 'Timeline', lines 88-89; in 'What went well', line 130".
std::string conflict_places(const std::vector<PostmortemConflict>& conflicts);
/// Error(Errc::conflict) naming each conflict's section and lines, and the
/// ways on (--theirs, --ours, or an edit committed by hand).
Error postmortem_conflicts_error(const std::string& id, const std::string& path,
                                 const std::vector<PostmortemConflict>& conflicts);

}  // namespace irctl
