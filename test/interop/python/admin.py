"""AdminClient operations, one per run.

  admin.py BOOTSTRAP create TOPIC PARTITIONS [name=value ...] [--validate-only]
  admin.py BOOTSTRAP list [TOPIC]
  admin.py BOOTSTRAP describe TOPIC
  admin.py BOOTSTRAP describe-broker BROKER_ID
  admin.py BOOTSTRAP alter TOPIC name=value ...
  admin.py BOOTSTRAP partitions TOPIC NEW_TOTAL [--validate-only]
  admin.py BOOTSTRAP delete TOPIC

Prints {"error": null | {"code", "name", "str"}, ...operation specific fields}.
"""
import sys

from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

from common import emit, fail, kafka_error, key_values

TIMEOUT = 15


def single_result(futures):
    (future,) = futures.values()
    try:
        return future.result(TIMEOUT), None
    except Exception as err:  # KafkaException carries the broker's error
        return None, kafka_error(err)


def describe(admin, resource):
    value, error = single_result(admin.describe_configs([resource], request_timeout=TIMEOUT))
    configs = {}
    for name, entry in (value or {}).items():
        configs[name] = {
            'value': entry.value,
            'source': entry.source,
            'is_default': entry.is_default,
            'is_read_only': entry.is_read_only,
            'is_sensitive': entry.is_sensitive,
        }
    return {'error': error, 'configs': configs}


def list_topics(admin, topic):
    md = admin.list_topics(topic=topic, timeout=TIMEOUT)
    topics = {}
    for name, t in md.topics.items():
        partitions = {}
        for pid, p in t.partitions.items():
            partitions[str(pid)] = {'leader': p.leader, 'replicas': list(p.replicas), 'isrs': list(p.isrs), 'error': kafka_error(p.error)}
        topics[name] = {'error': kafka_error(t.error), 'partitions': partitions}
    brokers = [{'id': b.id, 'host': b.host, 'port': b.port} for b in md.brokers.values()]
    return {'error': None, 'cluster_id': md.cluster_id, 'controller_id': md.controller_id, 'orig_broker_id': md.orig_broker_id, 'brokers': brokers, 'topics': topics}


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    bootstrap, op, rest = argv[0], argv[1], argv[2:]
    validate_only = '--validate-only' in rest
    rest = [a for a in rest if a != '--validate-only']
    admin = AdminClient({'bootstrap.servers': bootstrap, 'socket.timeout.ms': 10000})

    if op == 'create':
        topic, partitions, configs = rest[0], int(rest[1]), key_values(rest[2:])
        futures = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1, config=configs)],
                                      operation_timeout=TIMEOUT, request_timeout=TIMEOUT, validate_only=validate_only)
        _, error = single_result(futures)
        emit({'error': error})
    elif op == 'list':
        emit(list_topics(admin, rest[0] if rest else None))
    elif op == 'describe':
        emit(describe(admin, ConfigResource(ConfigResource.Type.TOPIC, rest[0])))
    elif op == 'describe-broker':
        emit(describe(admin, ConfigResource(ConfigResource.Type.BROKER, rest[0])))
    elif op == 'alter':
        resource = ConfigResource(ConfigResource.Type.TOPIC, rest[0], set_config=key_values(rest[1:]))
        _, error = single_result(admin.alter_configs([resource], request_timeout=TIMEOUT))
        emit({'error': error})
    elif op == 'partitions':
        futures = admin.create_partitions([NewPartitions(rest[0], int(rest[1]))], operation_timeout=TIMEOUT,
                                          request_timeout=TIMEOUT, validate_only=validate_only)
        _, error = single_result(futures)
        emit({'error': error})
    elif op == 'delete':
        _, error = single_result(admin.delete_topics([rest[0]], operation_timeout=TIMEOUT, request_timeout=TIMEOUT))
        emit({'error': error})
    else:
        fail('unknown operation %r' % op)


if __name__ == '__main__':
    main(sys.argv[1:])
