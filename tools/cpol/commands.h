/* cpol: the subcommands (one file each, cmd_<name>.c). Each takes the
 * arguments after its name and returns an exit code (cli.h). */
#ifndef CPOL_COMMANDS_H
#define CPOL_COMMANDS_H

#include "cli.h"

int cmd_demo(cli *c, int argc, char **argv);
int cmd_report(cli *c, int argc, char **argv);

#endif
