-- Run once by the postgres image on an empty volume (docker-compose.yml mounts it
-- into /docker-entrypoint-initdb.d): one database per service that owns data.
CREATE DATABASE research;
CREATE DATABASE needs;
CREATE DATABASE matching;
CREATE DATABASE brokerage;
CREATE DATABASE portal;
