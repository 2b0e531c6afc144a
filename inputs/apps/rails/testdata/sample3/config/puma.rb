# config/puma.rb
threads ENV.fetch("RAILS_MAX_THREADS", 3)
workers ENV.fetch("WEB_CONCURRENCY", 2)
