/* Load generator and floor for bench-server.py.
 *   http-load create URL TOKEN NETWORK_ID COUNT CLIENTS   ports/s over HTTP
 *   http-load get URL TOKEN PATH COUNT                    latency of one GET
 *   http-load floor DBFILE COUNT                          the same inserts straight into SQLite
 * Prints one line of JSON with the figures. */
#include <curl/curl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t s, size_t n, void *u)
{
        size_t *bytes = u;
        *bytes += s * n;
        return s * n;
}

struct job {
        const char *url, *token, *body, *path;
        long count, ok, failed;
        double *lat;
};

static CURL *handle(const struct job *j, struct curl_slist **hdrs, size_t *bytes)
{
        char h[200];
        CURL *c = curl_easy_init();
        snprintf(h, sizeof(h), "X-Auth-Token: %s", j->token);
        *hdrs = curl_slist_append(NULL, h);
        *hdrs = curl_slist_append(*hdrs, "Content-Type: application/json");
        *hdrs = curl_slist_append(*hdrs, "Accept: application/json");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, bytes);
        return c;
}

static void *create_worker(void *arg)
{
        struct job *j = arg;
        struct curl_slist *hdrs;
        size_t bytes = 0;
        char url[300];
        CURL *c = handle(j, &hdrs, &bytes);
        snprintf(url, sizeof(url), "%s/v2.0/ports", j->url);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, j->body);
        for (long i = 0; i < j->count; i++) {
                long code = 0;
                if (curl_easy_perform(c) == CURLE_OK)
                        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
                if (code == 201)
                        j->ok++;
                else
                        j->failed++;
        }
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        return NULL;
}

static int cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static int run_create(char **argv)
{
        long count = atol(argv[4]), clients = atol(argv[5]);
        char body[200];
        snprintf(body, sizeof(body), "{\"port\": {\"network_id\": \"%s\"}}", argv[3]);
        struct job *jobs = calloc((size_t)clients, sizeof(*jobs));
        pthread_t *t = calloc((size_t)clients, sizeof(*t));
        double t0 = now();
        for (long i = 0; i < clients; i++) {
                jobs[i] = (struct job){argv[1], argv[2], body, NULL, count / clients, 0, 0, NULL};
                pthread_create(&t[i], NULL, create_worker, &jobs[i]);
        }
        long ok = 0, failed = 0;
        for (long i = 0; i < clients; i++) {
                pthread_join(t[i], NULL);
                ok += jobs[i].ok;
                failed += jobs[i].failed;
        }
        double dt = now() - t0;
        printf("{\"clients\": %ld, \"created\": %ld, \"failed\": %ld, \"seconds\": %.3f, "
               "\"per_second\": %.0f}\n", clients, ok, failed, dt, (double)ok / dt);
        free(jobs);
        free(t);
        return failed ? 1 : 0;
}

static int run_get(char **argv)
{
        struct job j = {argv[1], argv[2], NULL, argv[3], atol(argv[4]), 0, 0, NULL};
        struct curl_slist *hdrs;
        size_t bytes = 0;
        char url[400];
        CURL *c = handle(&j, &hdrs, &bytes);
        snprintf(url, sizeof(url), "%s%s", j.url, j.path);
        curl_easy_setopt(c, CURLOPT_URL, url);
        double *lat = calloc((size_t)j.count, sizeof(double));
        for (long i = 0; i < j.count; i++) {
                long code = 0;
                double t0 = now();
                bytes = 0;
                if (curl_easy_perform(c) == CURLE_OK)
                        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
                lat[i] = (now() - t0) * 1000;
                if (code != 200)
                        return fprintf(stderr, "GET %s: %ld\n", url, code), 1;
        }
        qsort(lat, (size_t)j.count, sizeof(double), cmp);
        printf("{\"bytes\": %zu, \"p50_ms\": %.2f, \"p90_ms\": %.2f, \"max_ms\": %.2f}\n", bytes,
               lat[j.count / 2], lat[j.count * 9 / 10], lat[j.count - 1]);
        free(lat);
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        return 0;
}

/* The floor: what the server's inserts cost with no HTTP, JSON or logic —
 * one transaction per port writing a document and two claims, same schema
 * and pragmas as the store. */
static int run_floor(char **argv)
{
        sqlite3 *db;
        long count = atol(argv[2]);
        if (sqlite3_open(argv[1], &db) != SQLITE_OK)
                return 1;
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                         "CREATE TABLE objects (kind TEXT NOT NULL, id TEXT NOT NULL, project_id TEXT,"
                         " doc TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;"
                         "CREATE TABLE allocations (pool TEXT NOT NULL, value TEXT NOT NULL,"
                         " owner TEXT NOT NULL, PRIMARY KEY (pool, value)) WITHOUT ROWID;",
                     NULL, NULL, NULL);
        char doc[1200];
        memset(doc, 'x', sizeof(doc) - 1);
        doc[sizeof(doc) - 1] = '\0';
        sqlite3_stmt *obj, *claim;
        sqlite3_prepare_v2(db, "INSERT INTO objects VALUES ('port', ?, 'p', ?)", -1, &obj, NULL);
        sqlite3_prepare_v2(db, "INSERT INTO allocations VALUES (?, ?, ?)", -1, &claim, NULL);
        double t0 = now();
        for (long i = 0; i < count; i++) {
                char id[40], v[40];
                snprintf(id, sizeof(id), "port-%08ld", i);
                sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
                sqlite3_bind_text(obj, 1, id, -1, SQLITE_STATIC);
                sqlite3_bind_text(obj, 2, doc, -1, SQLITE_STATIC);
                sqlite3_step(obj);
                sqlite3_reset(obj);
                for (int k = 0; k < 2; k++) {
                        snprintf(v, sizeof(v), "%d-%ld", k, i);
                        sqlite3_bind_text(claim, 1, k ? "mac" : "ip", -1, SQLITE_STATIC);
                        sqlite3_bind_text(claim, 2, v, -1, SQLITE_STATIC);
                        sqlite3_bind_text(claim, 3, id, -1, SQLITE_STATIC);
                        sqlite3_step(claim);
                        sqlite3_reset(claim);
                }
                sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        }
        double dt = now() - t0;
        printf("{\"inserted\": %ld, \"seconds\": %.3f, \"per_second\": %.0f}\n", count, dt,
               (double)count / dt);
        sqlite3_finalize(obj);
        sqlite3_finalize(claim);
        sqlite3_close(db);
        return 0;
}

int main(int argc, char **argv)
{
        curl_global_init(CURL_GLOBAL_ALL);
        if (argc == 7 && strcmp(argv[1], "create") == 0)
                return run_create(argv + 1);
        if (argc == 6 && strcmp(argv[1], "get") == 0)
                return run_get(argv + 1);
        if (argc == 4 && strcmp(argv[1], "floor") == 0)
                return run_floor(argv + 1);
        fprintf(stderr, "usage: http-load create URL TOKEN NETWORK_ID COUNT CLIENTS | "
                        "get URL TOKEN PATH COUNT | floor DBFILE COUNT\n");
        return 2;
}
