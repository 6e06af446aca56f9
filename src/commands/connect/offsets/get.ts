import { Args } from '@oclif/core';
import { ConnectCommand } from '../../../admin/connect-client.ts';
import type { ConnectorOffsets } from '../../../connect/herder.ts';

/** `kstream connect offsets get NAME --json`: Connect's `{ "offsets": [{ "partition": {...}, "offset": {...} }] }`. */
export type ConnectOffsetsGetResult = ConnectorOffsets;

export default class ConnectOffsetsGet extends ConnectCommand<typeof ConnectOffsetsGet> {
  static override summary = 'show a connector\'s offsets';
  static override description = [
    'GET /connectors/NAME/offsets. For a source connector, partition and offset are what the connector records (e.g. {"filename": ...} and {"position": ...}); for a sink, {"kafka_topic", "kafka_partition"} and {"kafka_offset"}.',
    'The --json output can be edited and given back to kstream connect offsets set NAME --file F.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> connect offsets get file-source', '<%= config.bin %> connect offsets get file-source --json > offsets.json'];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };

  async run(): Promise<ConnectOffsetsGetResult> {
    const offsets = await this.client.offsets(this.args.name);
    await this.printResult(offsets, () => {
      if (offsets.offsets.length === 0) {
        this.out.message(`connector ${JSON.stringify(this.args.name)} has no offsets`);
        return;
      }
      this.out.table(['partition', 'offset'], offsets.offsets.map((o) => [JSON.stringify(o.partition), JSON.stringify(o.offset)]));
    }, 'offsets');
    return offsets;
  }
}
