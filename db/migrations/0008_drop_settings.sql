-- runtime.settings was created with the first schema and never used: nothing reads or writes it.
DROP TABLE IF EXISTS runtime.settings;
