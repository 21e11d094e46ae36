-- vendor_usage keeps its parts in the compact format (one data file per part) at every size.
-- A wide part has a file per column, and every insert and every merge holds a read or write
-- buffer per column per part: for this 18-column table that was most of what ClickHouse
-- allocated during a backfill, and embedded (chdb) that memory is the collector's own.
-- Compact parts wrote as fast and took the same space on disk (README, "Memory").
ALTER TABLE {db:Identifier}.vendor_usage MODIFY SETTING min_bytes_for_wide_part = 1000000000000, min_rows_for_wide_part = 1000000000000;
