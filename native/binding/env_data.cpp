#include "env_data.h"

namespace turbotoken_binding {

EnvData& env_data(Napi::Env env) {
  EnvData* data = env.GetInstanceData<EnvData>();
  if (!data) {
    data = new EnvData();
    env.SetInstanceData(data);
  }
  return *data;
}

}  // namespace turbotoken_binding
