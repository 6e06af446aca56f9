"""Consumes a topic as a member of a consumer group until it has COUNT messages, or nothing
arrived for IDLE_S seconds after it got partitions, or TIMEOUT_S passed; commits synchronously
after every message, then closes (LeaveGroup).

usage: group_consume.py BOOTSTRAP TOPIC GROUP ASSIGNOR COUNT TIMEOUT_S [IDLE_S]
Prints {"values": [...], "assignments": [[partitions...], ...], "committed": {partition: offset}}.
"""
import sys
import time

from confluent_kafka import Consumer, TopicPartition

from common import emit

bootstrap, topic, group, assignor, count, timeout_s = sys.argv[1:7]
idle_s = float(sys.argv[7]) if len(sys.argv) > 7 else None
count = int(count)
deadline = time.time() + float(timeout_s)
assignments = []
activity = {'last': None}


def on_assign(consumer, partitions):
    assignments.append(sorted(p.partition for p in partitions))
    activity['last'] = time.time()
    if assignor == 'cooperative-sticky':
        consumer.incremental_assign(partitions)


def on_revoke(consumer, partitions):
    if assignor == 'cooperative-sticky':
        consumer.incremental_unassign(partitions)


consumer = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'partition.assignment.strategy': assignor,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': False,
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 500,
    'topic.metadata.refresh.interval.ms': 1000,
})
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
values = []
while len(values) < count and time.time() < deadline:
    if idle_s is not None and activity['last'] is not None and time.time() - activity['last'] > idle_s:
        break
    msg = consumer.poll(0.2)
    if msg is None or msg.error():
        continue
    activity['last'] = time.time()
    values.append(msg.value().decode())
    consumer.commit(message=msg, asynchronous=False)

committed = {}
parts = consumer.committed([TopicPartition(topic, p) for p in range(0, 8)], timeout=10)
for tp in parts:
    if tp.offset >= 0:
        committed[str(tp.partition)] = tp.offset
consumer.close()
emit({'values': values, 'assignments': assignments, 'committed': committed})
