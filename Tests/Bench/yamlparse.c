/*
 * The floor for the benchmarks (Tests/Bench/run.sh): read each YAML file and run libyaml's event
 * parser over it to the end, and nothing else: no tree, no checks, no output. What mlenv check
 * reads is the same: the files named, and in folders every *.yaml and *.yml file, recursively,
 * skipping hidden folders; each file read whole into memory, then parsed from the string.
 *
 *     cc -O2 -o yamlparse yamlparse.c -lyaml
 *     ./yamlparse PATH...        exit 0 if every file parsed, 1 otherwise (the count on stderr)
 *     ./yamlparse --version      the libyaml version
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static long files, events, failures;

static int has_suffix(const char *name, const char *suffix) {
    size_t n = strlen(name), s = strlen(suffix);
    return n > s && strcmp(name + n - s, suffix) == 0;
}

static void parse_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); failures++; return; }
    unsigned char *buffer = NULL;
    size_t length = 0, capacity = 0, n;
    do {
        if (capacity - length < 65536) {
            capacity = capacity ? capacity * 2 : 65536;
            buffer = realloc(buffer, capacity);
            if (!buffer) { perror("realloc"); exit(2); }
        }
        n = fread(buffer + length, 1, capacity - length, f);
        length += n;
    } while (n > 0);
    fclose(f);

    yaml_parser_t parser;
    yaml_event_t event;
    int done = 0;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, buffer, length);
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s: %s\n", path, parser.problem ? parser.problem : "parse error");
            failures++;
            break;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        events++;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    free(buffer);
    files++;
}

static void walk(const char *path, int named) {
    struct stat st;
    if (stat(path, &st) != 0) { perror(path); failures++; return; }
    if (!S_ISDIR(st.st_mode)) {
        if (named || has_suffix(path, ".yaml") || has_suffix(path, ".yml")) parse_file(path);
        return;
    }
    DIR *dir = opendir(path);
    if (!dir) { perror(path); failures++; return; }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue; /* ., .. and hidden files and folders */
        size_t size = strlen(path) + strlen(entry->d_name) + 2;
        char *child = malloc(size);
        if (!child) { perror("malloc"); exit(2); }
        snprintf(child, size, "%s/%s", path, entry->d_name);
        walk(child, 0);
        free(child);
    }
    closedir(dir);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH...\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("libyaml %s\n", yaml_get_version_string());
        return 0;
    }
    for (int i = 1; i < argc; i++) walk(argv[i], 1);
    fprintf(stderr, "%ld files, %ld events, %ld failed\n", files, events, failures);
    return failures ? 1 : 0;
}
