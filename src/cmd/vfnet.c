/* vfnet: host tools and client.  Wiring only; the commands live in src/cli. */
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
        return cli_main(argc, argv, stdout);
}
