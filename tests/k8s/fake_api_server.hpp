#pragma once

// A fake Kubernetes API server for tests: real HTTP/1.1 over TCP on 127.0.0.1 with TLS (certificates
// from TestPki), bearer-token and client-certificate auth, and a per-test handler that scripts each
// response byte for byte: plain responses, chunked streams, raw (broken) bytes, stalls.

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace kipvs::k8s::testing {

struct FakeRequest {
  std::string method;
  std::string target;
  std::string path;
  std::map<std::string, std::string> query;    // percent-decoded
  std::map<std::string, std::string> headers;  // names lower-cased
  bool clientCertificate = false;

  std::string param(const std::string& name) const;
  bool isWatch() const { return param("watch") == "true" || param("watch") == "1"; }
  std::string header(const std::string& name) const;
};

class Responder {
 public:
  Responder(Poco::Net::StreamSocket& socket, const std::atomic<bool>& stopping, std::mutex& m,
            std::condition_variable& cv)
      : socket_(socket), stopping_(stopping), mutex_(m), wake_(cv) {}

  void respond(int status, std::string_view body, std::string_view contentType = "application/json",
               const std::vector<std::pair<std::string, std::string>>& headers = {});
  void beginChunked(int status = 200, std::string_view contentType = "application/json",
                    const std::vector<std::pair<std::string, std::string>>& headers = {});
  void chunk(std::string_view data);
  void endChunked();
  void raw(std::string_view bytes);  // anything, e.g. a chunk cut in half
  // Waits `duration` or until the server stops; false when it is stopping.
  bool pause(std::chrono::milliseconds duration);
  bool stopping() const { return stopping_; }

 private:
  Poco::Net::StreamSocket& socket_;
  const std::atomic<bool>& stopping_;
  std::mutex& mutex_;
  std::condition_variable& wake_;
};

struct ServerOptions {
  bool tls = true;
  bool requireClientCert = false;
  std::string token;  // empty: no bearer token needed
};

class FakeApiServer {
 public:
  using Handler = std::function<void(const FakeRequest&, Responder&)>;

  FakeApiServer(ServerOptions options, Handler handler);
  ~FakeApiServer();

  void start(std::uint16_t port = 0);  // 0: any free port; a restart reuses the previous one
  void stop();                         // closes the listener and every connection (a "kill")
  std::string url() const;
  std::uint16_t port() const { return port_; }
  void setToken(const std::string& token);
  std::vector<FakeRequest> requests() const;
  std::size_t count(const std::function<bool(const FakeRequest&)>& match) const;
  // Wakes handlers waiting in Responder::pause (e.g. a watch waiting for new events).
  void notifyAll() { wake_.notify_all(); }

 private:
  void acceptLoop();
  void serve(Poco::Net::StreamSocket socket);

  ServerOptions options_;
  Handler handler_;
  Poco::Net::Context::Ptr context_;
  std::unique_ptr<Poco::Net::ServerSocket> listener_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> connections_;
  std::vector<Poco::Net::StreamSocket> open_;
  std::vector<FakeRequest> requests_;
  std::string token_;
};

}  // namespace kipvs::k8s::testing
