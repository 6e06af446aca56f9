"""An idempotent producer (enable.idempotence, acks=all) writing N keyed messages with headers.

  produce.py BOOTSTRAP TOPIC COUNT [--base-timestamp MS] [--compression CODEC] [--partition P]

Message i: key "key-<i>", a binary value derived from i (every byte value occurs), headers
seq=<i> and bin=<3 binary bytes>, timestamp base+i*1000 when a base is given. Without --partition
the default (key hash) partitioner chooses. Prints {"deliveries": [...], "errors": [...],
"not_flushed": n} with one delivery report per message in produce order.
"""
import sys

from confluent_kafka import Producer

from common import emit, fail, hexa, kafka_error


def message_value(i):
    length = 1 + (i * 53) % 300
    return bytes(((i * 131 + j * 29 + (j >> 3)) & 0xFF) for j in range(length))


def main(argv):
    if len(argv) < 3:
        fail(__doc__)
    bootstrap, topic, count = argv[0], argv[1], int(argv[2])
    options = dict(zip(argv[3::2], argv[4::2]))
    base_ts = int(options['--base-timestamp']) if '--base-timestamp' in options else None
    partition = int(options['--partition']) if '--partition' in options else None

    errors = []
    config = {
        'bootstrap.servers': bootstrap,
        'enable.idempotence': True,
        'acks': 'all',
        'linger.ms': 20,
        'message.timeout.ms': 30000,
        'error_cb': lambda err: errors.append(kafka_error(err)),
    }
    if '--compression' in options:
        config['compression.type'] = options['--compression']
    producer = Producer(config)

    deliveries = [None] * count

    def report(i):
        def on_delivery(err, msg):
            deliveries[i] = {
                'i': i,
                'error': kafka_error(err),
                'partition': msg.partition(),
                'offset': msg.offset(),
                'key': hexa(msg.key()),
                'value': hexa(msg.value()),
                'headers': [[k, hexa(v)] for k, v in (msg.headers() or [])],
                'timestamp': msg.timestamp()[1],
            }
        return on_delivery

    for i in range(count):
        kwargs = {
            'key': ('key-%d' % i).encode(),
            'value': message_value(i),
            'headers': [('seq', str(i).encode()), ('bin', bytes([i & 0xFF, 0x00, 0xFF]))],
            'on_delivery': report(i),
        }
        if base_ts is not None:
            kwargs['timestamp'] = base_ts + i * 1000
        if partition is not None:
            kwargs['partition'] = partition
        for _attempt in range(100):
            try:
                producer.produce(topic, **kwargs)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    not_flushed = producer.flush(30)
    emit({'deliveries': deliveries, 'errors': errors, 'not_flushed': not_flushed})


if __name__ == '__main__':
    main(sys.argv[1:])
