# consul-template settings for the nginx profile of docker-compose.yml.

consul {
  address = "consul:8500"

  retry {
    enabled     = true
    attempts    = 0 # keep trying while Consul starts or restarts
    backoff     = "250ms"
    max_backoff = "5s"
  }
}

# Collect a burst of catalogue changes (a rolling restart) into one render and one reload.
wait {
  min = "1s"
  max = "5s"
}

template {
  source      = "/etc/consul-template/upstreams.ctmpl"
  destination = "/etc/nginx/upstreams/upstreams.conf"
  # The seed reloads with `command = "nginx -s reload"`. Here NGINX runs as consul-template's child
  # (exec below), and the same reload is the SIGHUP that consul-template sends it after each render.
}

exec {
  command       = ["nginx", "-g", "daemon off;"]
  reload_signal = "SIGHUP"
  kill_signal   = "SIGQUIT"
  kill_timeout  = "15s"
}
