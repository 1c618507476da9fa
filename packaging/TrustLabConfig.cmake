# find_package(TrustLab) for plugin authors: TrustLab::core, the engine library with its headers.
include(CMakeFindDependencyMacro)
find_dependency(Torch)
find_dependency(SQLite3)
find_dependency(nlohmann_json 3)
find_dependency(Threads)
find_dependency(OpenMP COMPONENTS CXX)  # core is built with -fopenmp (LibTorch's parallel_for in its headers)
include(${CMAKE_CURRENT_LIST_DIR}/TrustLabTargets.cmake)
set(TRUSTLAB_PLUGIN_DIR ${CMAKE_CURRENT_LIST_DIR}/../../trustlab/plugins)
