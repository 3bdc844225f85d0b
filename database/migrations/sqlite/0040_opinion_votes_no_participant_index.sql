-- Every query on a participant's votes goes through the map's statements
-- and probes the votes' primary key (statement, participant), so this
-- index only cost each vote a second B-tree write (and, on SQLite, a
-- second page in the write-ahead log).
DROP INDEX opinion_votes_participant;
