/* Replays a fuzz target's corpus (every file in the given directories) when
 * the target is built without libFuzzer, so regressions show in plain test
 * runs and under ASan. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
        unsigned n = 0;

        for (int i = 1; i < argc; i++) {
                DIR *d = opendir(argv[i]);
                struct dirent *de;

                if (!d) {
                        fprintf(stderr, "cannot open corpus %s\n", argv[i]);
                        return 1;
                }
                while ((de = readdir(d))) {
                        char path[4096];
                        char *buf = NULL;
                        size_t len = 0;

                        if (de->d_name[0] == '.')
                                continue;
                        snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
                        if (read_full_file(path, 16 << 20, &buf, &len) < 0) {
                                fprintf(stderr, "cannot read %s\n", path);
                                closedir(d);
                                return 1;
                        }
                        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
                        free(buf);
                        n++;
                }
                closedir(d);
        }
        printf("replayed %u inputs\n", n);
        return n > 0 ? 0 : 1;
}
