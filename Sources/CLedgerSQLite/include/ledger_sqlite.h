#ifndef LEDGER_SQLITE_H
#define LEDGER_SQLITE_H

/// The SQLite settings Swift cannot make itself: `sqlite3_db_config` is variadic.
typedef struct sqlite3 sqlite3;

/// Keeps the write-ahead log when a connection closes: no checkpoint on close
/// (`SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`) and the file kept (`SQLITE_FCNTL_PERSIST_WAL`).
/// Returns an SQLite result code.
int ledger_sqlite_keep_wal(sqlite3 *db);

#endif
