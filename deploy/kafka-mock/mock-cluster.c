/*
 * A Kafka-protocol cluster for tests, hosted by librdkafka's mock broker.
 *
 *   mock-cluster <brokers> [topic:partitions ...]
 *
 * Prints "BOOTSTRAP host:port,..." once, then serves one command per stdin line,
 * answering "OK" or "ERR <message>":
 *   down <id> | up <id> | rtt <id> <ms> | topic <name> <partitions>
 *   | errors <api key> <error code> <count> | coordinator <group> <id> | quit
 * Broker ids run from 1 to <brokers>. `errors` makes the next <count> requests of that API
 * (to any broker) fail with that Kafka error code (rd_kafka_mock_push_request_errors).
 * `coordinator` makes broker <id> the coordinator of consumer group <group> (by default the
 * cluster picks one by hashing the group's name; it never moves it off a broker that is down).
 * EOF behaves like quit, so the cluster dies
 * with the process that holds our stdin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static int replication;

static rd_kafka_resp_err_t create_topic(rd_kafka_mock_cluster_t *mc, const char *name, int partitions) {
  if (partitions < 1) return RD_KAFKA_RESP_ERR__INVALID_ARG;
  return rd_kafka_mock_topic_create(mc, name, partitions, replication);
}

/* The next `count` requests of `api` fail with `code`; the cluster keeps them in a queue. */
static rd_kafka_resp_err_t push_errors(rd_kafka_mock_cluster_t *mc, int api, int code, int count) {
  if (api < 0 || api > 100 || count < 1 || count > 10000) return RD_KAFKA_RESP_ERR__INVALID_ARG;
  rd_kafka_resp_err_t *errors = malloc(sizeof *errors * (size_t)count);
  if (!errors) return RD_KAFKA_RESP_ERR__FAIL;
  for (int i = 0; i < count; i++) errors[i] = (rd_kafka_resp_err_t)code;
  rd_kafka_mock_push_request_errors_array(mc, (int16_t)api, (size_t)count, errors);
  free(errors);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

/* Runs one command line; returns 0 on quit. */
static int serve(rd_kafka_mock_cluster_t *mc, char *line) {
  char name[256];
  int id, n, code;
  rd_kafka_resp_err_t err;

  line[strcspn(line, "\r\n")] = '\0';
  if (strcmp(line, "quit") == 0) return 0;
  if (sscanf(line, "down %d", &id) == 1) err = rd_kafka_mock_broker_set_down(mc, id);
  else if (sscanf(line, "up %d", &id) == 1) err = rd_kafka_mock_broker_set_up(mc, id);
  else if (sscanf(line, "rtt %d %d", &id, &n) == 2) err = rd_kafka_mock_broker_set_rtt(mc, id, n);
  else if (sscanf(line, "topic %255s %d", name, &n) == 2) err = create_topic(mc, name, n);
  else if (sscanf(line, "errors %d %d %d", &id, &code, &n) == 3) err = push_errors(mc, id, code, n);
  else if (sscanf(line, "coordinator %255s %d", name, &id) == 2) err = rd_kafka_mock_coordinator_set(mc, "group", name, id);
  else {
    printf("ERR unknown command: %s\n", line);
    fflush(stdout);
    return 1;
  }
  if (err) printf("ERR %s\n", rd_kafka_err2str(err));
  else printf("OK\n");
  fflush(stdout);
  return 1;
}

int main(int argc, char **argv) {
  char errstr[512], line[512];
  int brokers = argc > 1 ? atoi(argv[1]) : 0;

  if (brokers < 1) {
    fprintf(stderr, "usage: %s <brokers> [topic:partitions ...]\n", argv[0]);
    return 2;
  }
  replication = brokers < 3 ? brokers : 3;

  /* The handle only hosts the cluster; it never produces. */
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* Hush the notice that this handle has no bootstrap.servers: it needs none. */
  rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(rk);
    return 1;
  }

  for (int i = 2; i < argc; i++) {
    char name[256];
    int partitions = 0;
    rd_kafka_resp_err_t err = sscanf(argv[i], "%255[^:]:%d", name, &partitions) == 2
                                  ? create_topic(mc, name, partitions)
                                  : RD_KAFKA_RESP_ERR__INVALID_ARG;
    if (err) {
      fprintf(stderr, "topic %s: %s (expected name:partitions)\n", argv[i], rd_kafka_err2str(err));
      rd_kafka_mock_cluster_destroy(mc);
      rd_kafka_destroy(rk);
      return 2;
    }
  }

  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  while (fgets(line, sizeof line, stdin) && serve(mc, line)) {
  }

  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
