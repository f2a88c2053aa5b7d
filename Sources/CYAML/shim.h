// Umbrella header for the CYAML system library (Debian package libyaml-dev).
#include <yaml.h>
