# What `cmake --install` adds beyond the binary, and the Debian package that
# `cpack -G DEB` builds from the same install rules (scripts/package).

# Man pages are installed compressed, as Debian's policy wants them (gzip -9n:
# no name or time stamp, so the package is reproducible).
foreach(section 1 5)
  set(IRCTL_MAN${section}_GZ)
  foreach(page IN LISTS IRCTL_MAN${section})
    get_filename_component(name ${page} NAME)
    set(gz ${CMAKE_BINARY_DIR}/man/${name}.gz)
    add_custom_command(OUTPUT ${gz}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND gzip -9nc ${page} > ${gz}
      DEPENDS ${page} VERBATIM)
    list(APPEND IRCTL_MAN${section}_GZ ${gz})
  endforeach()
  install(FILES ${IRCTL_MAN${section}_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(irctl_man_pages ALL DEPENDS ${IRCTL_MAN1_GZ} ${IRCTL_MAN5_GZ})

# zsh reads /usr/share/zsh/vendor-completions for Debian's packages but
# /usr/local/share/zsh/site-functions for what is installed by hand. The
# prefix is known only at install time (cpack installs into /usr, a plain
# build into /usr/local), so the directory is chosen then.
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(IRCTL_ZSH_COMPLETIONS share/zsh/vendor-completions)
  else()
    set(IRCTL_ZSH_COMPLETIONS share/zsh/site-functions)
  endif()
]])
install(FILES completions/_irctl DESTINATION "\${IRCTL_ZSH_COMPLETIONS}")

# The service (installed, never enabled) and the system user it runs as.
# lib/, not CMAKE_INSTALL_LIBDIR: systemd looks in /usr/lib/systemd/system and
# /usr/local/lib/systemd/system, never in a multiarch directory.
install(FILES examples/irctl-serve.service DESTINATION lib/systemd/system)
install(FILES packaging/irctl.sysusers DESTINATION lib/sysusers.d RENAME irctl.conf)

set(IRCTL_DEB_DOCDIR ${CMAKE_INSTALL_DATADIR}/doc/irctl)
install(FILES packaging/copyright DESTINATION ${IRCTL_DEB_DOCDIR})
install(FILES examples/irctl-serve.default DESTINATION ${IRCTL_DEB_DOCDIR}/examples)
configure_file(packaging/changelog.in ${CMAKE_BINARY_DIR}/changelog @ONLY)
set(IRCTL_CHANGELOG_GZ ${CMAKE_BINARY_DIR}/changelog.gz)
add_custom_command(OUTPUT ${IRCTL_CHANGELOG_GZ}
  COMMAND gzip -9nc ${CMAKE_BINARY_DIR}/changelog > ${IRCTL_CHANGELOG_GZ}
  DEPENDS ${CMAKE_BINARY_DIR}/changelog VERBATIM)
add_custom_target(irctl_changelog ALL DEPENDS ${IRCTL_CHANGELOG_GZ})
# The version has no Debian revision (a native package), so the changelog is
# changelog.gz, not changelog.Debian.gz.
install(FILES ${IRCTL_CHANGELOG_GZ} DESTINATION ${IRCTL_DEB_DOCDIR})
# Why lintian's embedded-library errors are overridden: packaging/lintian-overrides.
install(FILES packaging/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME irctl)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME irctl)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "irctl developers")
set(CPACK_PACKAGE_CONTACT "irctl developers <dev@irctl.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "incident management in a git repository")
# The first line of the control file's description, the synopsis, is
# CPACK_PACKAGE_DESCRIPTION_SUMMARY.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "irctl records incidents (declaration, severity, timeline, follow-ups,
postmortem) as TOML files in a git repository, one commit per change, and
shares them between responders with git's own push and pull.
.
irctl serve receives alerting systems' webhooks and records them as
incidents; this package ships its systemd unit, installed disabled.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://irctl.invalid/")
# dpkg-shlibdeps (dpkg-dev) names the libraries the binary links to
# dynamically; libgit2 and cmark-gfm are linked in statically.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "git")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
