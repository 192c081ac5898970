-- The in-database log's partition count, fixed by its first start: a record's partition
-- follows from its key and the count, so a log reopened with another count would strand
-- the records of the partitions it no longer reads, or split one order over two partitions.
CREATE TABLE runtime.log_partitions (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  partitions int NOT NULL CHECK (partitions > 0)
);
