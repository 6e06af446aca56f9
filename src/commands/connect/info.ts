import { ConnectCommand } from '../../admin/connect-client.ts';

/** `kstream connect info --json`: `{ "url", "version", "commit", "kafka_cluster_id" }` (GET /). */
export interface ConnectInfoResult {
  url: string;
  version: string;
  commit: string;
  kafka_cluster_id: string;
}

export default class ConnectInfo extends ConnectCommand<typeof ConnectInfo> {
  static override summary = 'show the Connect worker\'s version and Kafka cluster';
  static override description = 'GET / of the REST API: the worker\'s version and commit, and the id of the Kafka cluster it uses. Exits 4 when no worker answers.';
  static override examples = ['<%= config.bin %> connect info', '<%= config.bin %> connect info --url http://connect:8083 --json'];

  async run(): Promise<ConnectInfoResult> {
    const info = await this.client.serverInfo();
    const result: ConnectInfoResult = { url: this.client.url, version: info.version, commit: info.commit, kafka_cluster_id: info.kafka_cluster_id };
    await this.printResult(result, () => {
      this.out.keyValue([
        ['url', result.url],
        ['version', result.version],
        ['commit', result.commit],
        ['kafka cluster', result.kafka_cluster_id],
      ]);
    });
    return result;
  }
}
