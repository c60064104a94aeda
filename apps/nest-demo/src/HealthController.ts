import { Controller, Get } from "@nestjs/common"
import { SkipProfiling } from "@sketchlog/nest"

/** `GET /health` for load balancers; left out of the profiles, as health checks would swamp them. */
@Controller("health")
@SkipProfiling()
export class HealthController {
  @Get()
  health() {
    return { status: "ok" }
  }
}
