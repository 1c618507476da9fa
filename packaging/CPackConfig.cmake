# CPack: `cpack -G DEB` in the build folder makes an installable .deb (binaries, .desktop entry,
# icon, AppStream metainfo). Debian's shlibdeps computes library dependencies; the Qt platform
# plugin and OpenBLAS are listed by hand because no binary links them directly.
set(CPACK_PACKAGE_NAME "trustlab")
set(CPACK_PACKAGE_VENDOR "TrustLab")
set(CPACK_PACKAGE_CONTACT "TrustLab developers <trustlab@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
if(TRUSTLAB_GUI)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", qt6-qpa-plugins")
endif()
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/trustlab")
include(CPack)
