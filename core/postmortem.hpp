#pragma once
// Postmortems: Markdown rendered from Mustache templates (kainjow-mustache)
// over the incident's data, committed as postmortems/<ID>.md. Regions meant
// for prose are marked, and rendering again keeps what people wrote in them:
//
//   <!-- irctl:prose went-well -->
//   _What went well?_
//   <!-- irctl:end -->

#include <optional>
#include <string>
#include <vector>

#include "core/model/people.hpp"
#include "core/operations.hpp"

namespace irctl {

struct TemplateInfo {
  std::string name;
  std::string source;  ///< "built-in", or the repository path that overrides or adds it
};

/// The templates a repository can use: the built-in ones and those in
/// .irctl/templates/NAME.md.mustache, which override built-ins of the same name.
std::vector<TemplateInfo> list_templates(const Repository& repo);

struct Template {
  std::string name;    ///< as it appears in error messages
  std::string text;
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
/// gets it the same way; `audience` and `external` say which it is.
Json external_view(Json data);

/// Renders; a template error (unclosed tag or section, a tag naming nothing
/// in the data) is Error(Errc::data) naming the template, line and tag.
std::string render_template(const Template& tmpl, const Json& data);

/// Puts the prose regions of `previous` into `rendered`; regions the new
/// template no longer has are kept at the end, so that nothing is lost.
std::string keep_prose(const std::string& rendered, const std::string& previous);

struct PostmortemRequest {
  std::string template_name;  ///< empty: the default for the incident
  /// repository path; empty: postmortems/<ID>.md, or
  /// postmortems/<ID>.external.md for the external audience
  std::string output;
  Audience audience = Audience::internal;
};
struct PostmortemResult {
  std::string text;
  EventResult event;
};
/// What write_postmortem does with the text it renders.
enum class PostmortemMode {
  preview,  ///< only render it (irctl postmortem --output -): nothing is written
  commit,   ///< write it and commit it with a "postmortem" event
};
/// Renders the postmortem and, in PostmortemMode::commit, writes and commits it.
PostmortemResult write_postmortem(Repository& repo, const std::string& id, const PostmortemRequest& req,
                                  PostmortemMode mode, const Recorder& rec);

}  // namespace irctl
