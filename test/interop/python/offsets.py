"""offsets_for_times and get_watermark_offsets.

  offsets.py BOOTSTRAP TOPIC PARTITIONS TIMESTAMP [TIMESTAMP ...]

Prints {"by_time": {"<timestamp>": {"<p>": offset}}, "watermarks": {"<p>": [low, high]},
"errors": [...]}; an offset of -1 means no message at or after that time.
"""
import sys

from confluent_kafka import Consumer, TopicPartition

from common import emit, fail, kafka_error


def main(argv):
    if len(argv) < 4:
        fail(__doc__)
    bootstrap, topic, partitions, timestamps = argv[0], argv[1], int(argv[2]), [int(t) for t in argv[3:]]
    errors = []
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': 'kstream-interop-unused',
        'enable.auto.commit': False,
        'enable.auto.offset.store': False,
        'error_cb': lambda err: errors.append(kafka_error(err)),
    })
    try:
        by_time = {}
        for ts in timestamps:
            found = consumer.offsets_for_times([TopicPartition(topic, p, ts) for p in range(partitions)], timeout=10)
            by_time[str(ts)] = {}
            for tp in found:
                if tp.error is not None:
                    errors.append(kafka_error(tp.error))
                by_time[str(ts)][str(tp.partition)] = tp.offset
        watermarks = {}
        for p in range(partitions):
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)
            watermarks[str(p)] = [low, high]
        emit({'by_time': by_time, 'watermarks': watermarks, 'errors': errors})
    finally:
        consumer.close()


if __name__ == '__main__':
    main(sys.argv[1:])
