// The GSSAPI functions libgit2 calls for https remotes that ask for
// Negotiate (Kerberos) authentication, loaded when first called.
//
// Debian ships no static archive of MIT Kerberos, so linked as usual its
// libgssapi_krb5 would bring six more shared objects into every start of
// irctl (about 0.4 ms and 50 page faults of `irctl --version`), for an
// authentication that only some syncs use. libgit2.a's references to these
// functions end here instead; each loads the library on its first call and
// hands over to its function of the same name. Where the library cannot be
// loaded, the call fails as GSSAPI says it does when a service is missing
// (GSS_S_UNAVAILABLE), and libgit2 reports that Negotiate failed.
//
// The types are those of MIT's <gssapi/gssapi.h> (not installed here):
// every handle, name, buffer and OID set is a pointer, OM_uint32 a uint32_t.

#include <dlfcn.h>

#include <cstdint>

namespace {

using Status = std::uint32_t;  // OM_uint32
constexpr Status kUnavailable = 16u << 16;  // GSS_S_UNAVAILABLE

struct OidDesc {  // gss_OID_desc
  Status length;
  const void* elements;
};

// GSS_C_NT_HOSTBASED_SERVICE, 1.2.840.113554.1.2.1.4 (RFC 2744): the
// library compares name types by value, so this copy stands for its own.
const OidDesc kHostbasedService = {10, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};

void* gssapi_library() {
  static void* const library = dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_LOCAL);
  return library;
}

// The library's own definition of `name`, with the signature F; nullptr
// when the library is not there.
template <class F>
F real(const char* name) {
  void* library = gssapi_library();
  return library ? reinterpret_cast<F>(dlsym(library, name)) : nullptr;
}

// Calls the library's `name` with `args`, or says the service is unavailable.
template <class... Args>
Status forward(const char* name, Status* minor, Args... args) {
  const auto function = real<Status (*)(Status*, Args...)>(name);
  if (!function) {
    if (minor) *minor = 0;
    return kUnavailable;
  }
  return function(minor, args...);
}

}  // namespace

extern "C" {

const OidDesc* GSS_C_NT_HOSTBASED_SERVICE = &kHostbasedService;

Status gss_init_sec_context(Status* minor, void* credential, void** context, void* target, void* mechanism,
                            Status flags, Status time, void* bindings, void* input, void** actual_mechanism,
                            void* output, Status* returned_flags, Status* time_left) {
  return forward("gss_init_sec_context", minor, credential, context, target, mechanism, flags, time, bindings, input,
                 actual_mechanism, output, returned_flags, time_left);
}

Status gss_delete_sec_context(Status* minor, void** context, void* output) {
  return forward("gss_delete_sec_context", minor, context, output);
}

Status gss_display_status(Status* minor, Status value, int type, void* mechanism, Status* message_context,
                          void* text) {
  return forward("gss_display_status", minor, value, type, mechanism, message_context, text);
}

Status gss_import_name(Status* minor, void* input, const void* name_type, void** output) {
  return forward("gss_import_name", minor, input, name_type, output);
}

Status gss_indicate_mechs(Status* minor, void** mechanisms) {
  return forward("gss_indicate_mechs", minor, mechanisms);
}

Status gss_release_buffer(Status* minor, void* buffer) { return forward("gss_release_buffer", minor, buffer); }

Status gss_release_name(Status* minor, void** name) { return forward("gss_release_name", minor, name); }

Status gss_release_oid_set(Status* minor, void** set) { return forward("gss_release_oid_set", minor, set); }

}  // extern "C"
