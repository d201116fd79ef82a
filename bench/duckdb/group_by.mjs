// DuckDB's read_json over a log format v1 file and one GROUP BY per account:
// requests, distinct client addresses and token sums. Prints one JSON line
// with the elapsed seconds and the number of accounts.
//   node group_by.mjs FILE THREADS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads = '2'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const start = process.hrtime.bigint();
const sql = `
  SELECT "user.id" AS account,
         count(*) AS requests,
         count(DISTINCT "client.address") AS addresses,
         sum("gen_ai.usage.input_tokens") AS input_tokens,
         sum("gen_ai.usage.output_tokens") AS output_tokens
  FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited',
                 maximum_object_size = 67108864,
                 columns = {"user.id": 'VARCHAR', "client.address": 'VARCHAR',
                            "gen_ai.usage.input_tokens": 'BIGINT',
                            "gen_ai.usage.output_tokens": 'BIGINT'})
  GROUP BY 1`;
const reader = await con.runAndReadAll(sql);
const rows = reader.getRows().length;
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ engine: 'duckdb', seconds: secs, accounts: rows, threads: Number(threads) }));
