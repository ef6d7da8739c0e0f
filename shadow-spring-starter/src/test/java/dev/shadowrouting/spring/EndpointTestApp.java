package dev.shadowrouting.spring;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The application of the HTTP tests of the Actuator endpoint. */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(Models.class)
class EndpointTestApp {

  static final String ENDPOINTS = """
        shadow-routing.endpoints.fraud.production.v1.predictor=fraudModelV1
        shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV2
        shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=1
        shadow-routing.endpoints.fraud.comparator=byBlock
        shadow-routing.endpoints.fraud.test.candidate=v3
        shadow-routing.endpoints.fraud.test.predictor=fraudModelV3
        shadow-routing.endpoints.fraud.test.duration=1h
        management.endpoints.web.exposure.include=shadow
        """;

}
