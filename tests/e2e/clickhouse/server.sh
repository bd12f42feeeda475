# tests/e2e/clickhouse/server.sh — Debian's clickhouse-server for the
# ClickHouse tests, on loopback ports in a folder of $T; sourced by
# tests/e2e/test_clickhouse.sh after lib.sh.
#   ch_ports NAME...             choose each server's loopback ports now
#                                (CH_PORT_<NAME> HTTP, CH_TCP_<NAME> native),
#                                so that a cluster can name them before any starts
#   ch_start NAME                start server NAME (data in $T/ch-NAME), wait
#                                until it answers; its config names the cluster
#                                "obs" (one shard per server of $CH_SHARDS)
#   ch_stop NAME                 stop it (SIGTERM, then wait); ch_start again
#                                restarts it on the same data and ports
#   ch_q NAME SQL                run SQL there, print the answer (TabSeparated)
#   ch_url NAME DB               clickhouse://127.0.0.1:PORT/DB

CH_SERVER=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)

# ch_config NAME HTTP TCP INTERSERVER REMOTE-XML
ch_config()
{
    cat <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$T/ch-$1/server.log</log><errorlog>$T/ch-$1/err.log</errorlog>
    <size>10M</size><count>1</count></logger>
  <http_port>$2</http_port>
  <tcp_port>$3</tcp_port>
  <interserver_http_port>$4</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$T/ch-$1/data/</path>
  <tmp_path>$T/ch-$1/tmp/</tmp_path>
  <user_files_path>$T/ch-$1/user_files/</user_files_path>
  <format_schema_path>$T/ch-$1/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_server_memory_usage>4000000000</max_server_memory_usage>
  <timezone>UTC</timezone>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile>
      <quota>default</quota></default>
    <obs><password>s3cret pass</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile>
      <quota>default</quota></obs>
  </users>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <quotas><default></default></quotas>
  $5
</yandex>
XML
}

ch_ports()
{
    for _n in "$@"; do
        eval "CH_PORT_$_n=$(free_port) CH_TCP_$_n=$(free_port) CH_IS_$_n=$(free_port)"
    done
}

# the cluster "obs": one shard per server named in CH_SHARDS
ch_cluster()
{
    [ -n "${CH_SHARDS:-}" ] || return 0
    echo "<remote_servers><obs>"
    for _s in $CH_SHARDS; do
        eval "_t=\$CH_TCP_$_s"
        echo "  <shard><replica><host>127.0.0.1</host><port>$_t</port></replica></shard>"
    done
    echo "</obs></remote_servers>"
}

ch_start()
{
    _n=$1
    mkdir -p "$T/ch-$_n/data" "$T/ch-$_n/tmp"
    if [ ! -f "$T/ch-$_n/config.xml" ]; then
        eval "_http=\${CH_PORT_$_n:-}"
        [ -n "$_http" ] || ch_ports "$_n"
        eval "_http=\$CH_PORT_$_n _tcp=\$CH_TCP_$_n _is=\$CH_IS_$_n"
        ch_config "$_n" "$_http" "$_tcp" "$_is" "$(ch_cluster)" >"$T/ch-$_n/config.xml"
    fi
    "$CH_SERVER" --config-file="$T/ch-$_n/config.xml" >"$T/ch-$_n/stdout" 2>&1 &
    eval "CH_PID_$_n=$!"
    PIDS="${PIDS:-} $!"
    eval "_http=\$CH_PORT_$_n"
    _i=0
    while [ $_i -lt 150 ]; do
        [ "$(curl -s "http://127.0.0.1:$_http/ping" 2>/dev/null)" = "Ok." ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    fail "clickhouse-server $_n did not answer on port $_http" "$T/ch-$_n/stdout"
    return 1
}

ch_stop()
{
    eval "_pid=\$CH_PID_$1"
    kill -TERM "$_pid" 2>/dev/null
    _i=0
    while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 300 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    kill -KILL "$_pid" 2>/dev/null
    wait "$_pid" 2>/dev/null
    return 0
}

ch_q()
{
    eval "_http=\$CH_PORT_$1"
    curl -s --data-binary "$2" "http://127.0.0.1:$_http/"
}

ch_url()
{
    eval "_http=\$CH_PORT_$1"
    echo "clickhouse://127.0.0.1:$_http/$2"
}
