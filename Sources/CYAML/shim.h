#ifndef MLENV_CYAML_SHIM_H
#define MLENV_CYAML_SHIM_H
#include <yaml.h>
#endif
